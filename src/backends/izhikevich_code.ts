// The Izhikevich model's generated code for the pulse-coupled and sparse networks, whose kernels
// keep a neuron's (a, b, c, d) in a vec4f and (v, u) in a vec2f: integration under a scheme and
// the reset, in WGSL and in JavaScript (f64, or every operation rounded to f32). The maths is
// src/models/izhikevich.ts's; the threshold stays with the kernels (a per-neuron level).
import { integrate } from '../equations/integrators';
import { local } from '../equations/emit';
import { type Binding, jsFunction, wgslFunction } from '../equations/functions';
import { DT, INPUT } from '../equations/model';
import { MODELS } from '../models/registry';

const IZH = MODELS.izhikevich!;
const PARAM_COMPONENT: Readonly<Record<string, string>> = { a: 'x', b: 'y', c: 'z', d: 'w' };

/** Generated (v, u) ← step and reset as called by the kernels. */
export type IzhikevichIntegrate = (v: number, u: number, a: number, b: number, input: number, dt: number, out: Float64Array) => void;
export type IzhikevichReset = (u: number, c: number, d: number, out: Float64Array) => void;

function wgslBinding(): Binding {
  return {
    load: (d) => `_s.${d === 0 ? 'x' : 'y'}`,
    resolve: (name) => (Object.hasOwn(PARAM_COMPONENT, name) ? `_p.${PARAM_COMPONENT[name]}` : name === INPUT ? '_in' : name === DT ? '_dt' : undefined),
  };
}

/** `izh_integrate(p, s, i, dt) -> vec2f` under `scheme`, and `izh_reset(p, s) -> vec2f`. */
export function izhikevichWgsl(scheme: string): string {
  const b = wgslBinding();
  const ret = `vec2f(${local('v')}, ${local('u')})`;
  return [
    wgslFunction(IZH, integrate(IZH, scheme), 'fn izh_integrate(_p: vec4f, _s: vec2f, _in: f32, _dt: f32) -> vec2f', b, ret),
    wgslFunction(IZH, IZH.reset, 'fn izh_reset(_p: vec4f, _s: vec2f) -> vec2f', b, ret),
  ].join('\n');
}

/** The same two functions in JavaScript; results go to out[0] (v) and out[1] (u). */
export function izhikevichJs(scheme: string, precision: 'f64' | 'f32') {
  const args: Binding = {
    load: (d) => (d === 0 ? '_v' : '_u'),
    resolve: (name) => (name === 'a' || name === 'b' || name === 'c' || name === 'd' ? `_${name}` : name === INPUT ? '_in' : name === DT ? '_dt' : undefined),
  };
  const store = (d: number, value: string) => `_out[${d}] = ${value}`;
  return {
    integrate: jsFunction<IzhikevichIntegrate>(IZH, integrate(IZH, scheme), ['_v', '_u', '_a', '_b', '_in', '_dt', '_out'], args, store, 'undefined', precision),
    reset: jsFunction<IzhikevichReset>(IZH, IZH.reset, ['_u', '_c', '_d', '_out'], { ...args, load: (d) => (d === 0 ? 'NaN' : '_u') }, store, 'undefined', precision),
  };
}
