// The generated model code of a sparse network: COBAHH's neuron integrated by exponential Euler
// with the network's parameters and dt folded in as constants (every neuron shares them), and the
// Izhikevich scheme of src/backends/izhikevich_code.ts. WGSL for shaders/sparse_network.wgsl and
// the same statements as JavaScript for the CPU reference.
import { integrate } from '../equations/integrators';
import { local } from '../equations/emit';
import { foldStatements } from '../equations/fold';
import { type Binding, jsFunction, wgslFunction } from '../equations/functions';
import { DT, type Statement } from '../equations/model';
import { MODELS } from '../models/registry';
import { izhikevichJs, izhikevichWgsl } from '../backends/izhikevich_code';

const COBAHH = MODELS.cobahh!;
const X = ['x.x', 'x.y', 'x.z', 'x.w', 'g.x', 'g.y'];

/** Advances [v, m, h, n, ge, gi] (ge, gi already holding this step's jumps) in place by one step of dt. */
export type CobahhIntegrate = (x: Float64Array, dt: number) => void;

/**
 * The exponential-Euler step with the network's parameters, and dt when given, folded in: the
 * conductance decays are numbers computed once here, not exp calls per neuron and step.
 */
function foldedStep(params: Readonly<Record<string, number>>, dt: number | undefined): Statement[] {
  const values = new Map(COBAHH.parameters.filter((n) => Object.hasOwn(params, n)).map((n) => [n, params[n]!]));
  if (dt !== undefined) values.set(DT, dt);
  return foldStatements(integrate(COBAHH, 'exponential_euler'), values, new Set(COBAHH.variables));
}
const resolveDt: Binding['resolve'] = (name) => (name === DT ? '_dt' : undefined);

/** `cobahh_integrate(x, g, dt) -> CobahhState` with these parameters, and `izh_integrate`/`izh_reset`. */
export function sparseModelsWgsl(params: Readonly<Record<string, number>>, dt: number): string {
  const b: Binding = { load: (d) => `_${X[d]}`, resolve: resolveDt };
  const v = COBAHH.variables.map(local);
  return [
    'struct CobahhState { x: vec4f, g: vec2f }',
    wgslFunction(COBAHH, foldedStep(params, dt), 'fn cobahh_integrate(_x: vec4f, _g: vec2f, _dt: f32) -> CobahhState', b,
      `CobahhState(vec4f(${v.slice(0, 4).join(', ')}), vec2f(${v[4]}, ${v[5]}))`),
    izhikevichWgsl('izhikevich2003'),
  ].join('\n');
}

/** The JS step; with `dt` given it is folded in (and the step's dt argument is ignored). */
export function cobahhJs(params: Readonly<Record<string, number>>, dt?: number): CobahhIntegrate {
  const b: Binding = { load: (d) => `_x[${d}]`, resolve: resolveDt };
  return jsFunction<CobahhIntegrate>(COBAHH, foldedStep(params, dt), ['_x', '_dt'], b, (d, value) => `_x[${d}] = ${value}`, 'undefined');
}

export const sparseIzhikevichJs = () => izhikevichJs('izhikevich2003', 'f64');
