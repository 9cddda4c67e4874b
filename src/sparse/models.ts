// The generated model code of a sparse network: COBAHH's neuron integrated by exponential Euler
// with the network's parameters folded in as constants (every neuron shares them), and the
// Izhikevich scheme of src/backends/izhikevich_code.ts. WGSL for shaders/sparse_network.wgsl and
// the same statements as JavaScript for the CPU reference.
import { integrate } from '../equations/integrators';
import { literal, local } from '../equations/emit';
import { type Binding, jsFunction, wgslFunction } from '../equations/functions';
import { DT } from '../equations/model';
import { MODELS } from '../models/registry';
import { izhikevichJs, izhikevichWgsl } from '../backends/izhikevich_code';

const COBAHH = MODELS.cobahh!;
const X = ['x.x', 'x.y', 'x.z', 'x.w', 'g.x', 'g.y'];

/** Advances [v, m, h, n, ge, gi] (ge, gi already holding this step's jumps) in place by one step of dt. */
export type CobahhIntegrate = (x: Float64Array, dt: number) => void;

function folded(params: Readonly<Record<string, number>>, lang: 'wgsl' | 'js64'): Binding['resolve'] {
  return (name) => (Object.hasOwn(params, name) && COBAHH.parameters.includes(name) ? literal(params[name]!, lang) : name === DT ? '_dt' : undefined);
}

/** `cobahh_integrate(x, g, dt) -> CobahhState` with these parameters, and `izh_integrate`/`izh_reset`. */
export function sparseModelsWgsl(params: Readonly<Record<string, number>>): string {
  const b: Binding = { load: (d) => `_${X[d]}`, resolve: folded(params, 'wgsl') };
  const v = COBAHH.variables.map(local);
  return [
    'struct CobahhState { x: vec4f, g: vec2f }',
    wgslFunction(COBAHH, integrate(COBAHH, 'exponential_euler'), 'fn cobahh_integrate(_x: vec4f, _g: vec2f, _dt: f32) -> CobahhState', b,
      `CobahhState(vec4f(${v.slice(0, 4).join(', ')}), vec2f(${v[4]}, ${v[5]}))`),
    izhikevichWgsl('izhikevich2003'),
  ].join('\n');
}

export function cobahhJs(params: Readonly<Record<string, number>>): CobahhIntegrate {
  const b: Binding = { load: (d) => `_x[${d}]`, resolve: folded(params, 'js64') };
  return jsFunction<CobahhIntegrate>(COBAHH, integrate(COBAHH, 'exponential_euler'), ['_x', '_dt'], b, (d, value) => `_x[${d}] = ${value}`, 'undefined');
}

export const sparseIzhikevichJs = () => izhikevichJs('izhikevich2003', 'f64');
