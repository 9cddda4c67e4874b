// Per-neuron values of a population: numbers, arrays, distributions and expressions of the
// population's random variables, evaluated once on the host (docs/network.md#populations).
// A value that depends on a random draw is rounded to f32 once computed, so the CPU reference
// (f64) and the GPU (f32) start from the same random state; every other value is used as written.
import { evaluate, initialState, parameterValues } from '../equations/compile.js';
import { symbols } from '../equations/expression.js';
import { parseExpression } from '../equations/parse.js';
import type { ParsedModel } from '../equations/model.js';
import { PhiloxStream, Purpose } from '../rng/philox.js';
import type { Population } from '../spec/network.js';
import { isArray } from '../spec/value_kinds.js';
import type { NeuronValue } from '../spec/values.js';

/** Counter word 2 offsets of distribution-valued parameters and initial values (after the random variables). */
const PARAMETER_DRAWS = 256;
const INIT_DRAWS = 512;
/** … and of distribution-valued inputs (input k at INPUT_DRAWS + k). */
export const INPUT_DRAWS = 1024;

export interface PopulationValues {
  /** Per parameter, in declared order: one number for every neuron, or one per neuron. */
  params: (number | Float64Array)[];
  /** Per state variable, in declared order: the initial value of each neuron. */
  init: Float64Array[];
}


/**
 * The random variables of population `p` (global neurons start .. start + size − 1): variable q
 * of kind uniform is U(0,1) from the parameter stream at (neuron, q), of kind normal N(0,1) from
 * the initial-state stream at (neuron, q) (docs/conventions.md#random-numbers).
 */
function randomVariables(p: Population, start: number, seed: number): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  const uniform = new PhiloxStream(seed, Purpose.params), normal = new PhiloxStream(seed, Purpose.init);
  Object.entries(p.random ?? {}).forEach(([name, kind], q) => {
    const a = new Float64Array(p.size);
    for (let k = 0; k < p.size; k++) a[k] = kind === 'uniform' ? uniform.uniform(start + k, q) : normal.normal(start + k, q);
    out[name] = a;
  });
  return out;
}

type Distribution = { uniform: [number, number] } | { normal: [number, number] };

/** Draws `{uniform}` / `{normal}` for each of these global neurons at counter word 2 = `slot`, rounded to f32. */
export function drawnPerNeuron(v: Distribution, neurons: ArrayLike<number>, seed: number, slot: number): Float64Array {
  const a = new Float64Array(neurons.length);
  if ('uniform' in v) {
    const s = new PhiloxStream(seed, Purpose.params), [lo, hi] = v.uniform;
    for (let k = 0; k < a.length; k++) a[k] = Math.fround(lo + (hi - lo) * s.uniform(neurons[k]!, slot));
  } else {
    const s = new PhiloxStream(seed, Purpose.init), [mean, sd] = v.normal;
    for (let k = 0; k < a.length; k++) a[k] = Math.fround(mean + sd * s.normal(neurons[k]!, slot));
  }
  return a;
}

const drawn = (v: Distribution, size: number, start: number, seed: number, slot: number) =>
  drawnPerNeuron(v, Uint32Array.from({ length: size }, (_, k) => start + k), seed, slot);

/**
 * One value per neuron: `base(k)` gives what an expression's other names mean for neuron k
 * (the preset's parameters; for initial state, the neuron's parameters and earlier variables).
 */
function perNeuron(
  v: NeuronValue, size: number, start: number, seed: number, slot: number,
  random: Record<string, Float64Array>, base: (k: number) => Record<string, number>,
): number | Float64Array {
  if (typeof v === 'number') return v;
  if (isArray(v)) return Float64Array.from(v);
  if (typeof v !== 'string') return drawn(v, size, start, seed, slot);
  const expr = parseExpression(v, { model: 'population', where: 'value' });
  const names = symbols(expr), usesRandom = Object.keys(random).some((r) => names.has(r));
  const a = new Float64Array(size);
  for (let k = 0; k < size; k++) {
    const scope = base(k);
    for (const [r, values] of Object.entries(random)) scope[r] = values[k]!;
    const x = evaluate(expr, scope);
    a[k] = usesRandom ? Math.fround(x) : x;
  }
  return a;
}

const at = (x: number | Float64Array, k: number) => (typeof x === 'number' ? x : x[k]!);

/** A population's parameters and initial state, neuron by neuron (global neurons from `start`). */
export function populationValues(p: Population, m: ParsedModel, start: number, seed: number): PopulationValues {
  const random = randomVariables(p, start, seed);
  const base = parameterValues(m, p.preset);
  const params = m.parameters.map((name, k) => {
    const v = p.parameters?.[name];
    return v === undefined ? base[name]! : perNeuron(v, p.size, start, seed, PARAMETER_DRAWS + k, random, () => ({ ...base }));
  });
  const paramsOf = (k: number) => Object.fromEntries(m.parameters.map((name, q) => [name, at(params[q]!, k)]));
  // The model's own initial state, for every neuron whose parameters differ, else once.
  const uniform = params.every((x) => typeof x === 'number');
  const shared = uniform ? initialState(m, paramsOf(0)) : null;
  const init = m.variables.map(() => new Float64Array(p.size));
  for (let k = 0; k < p.size; k++) {
    const own = shared ?? initialState(m, paramsOf(k));
    m.variables.forEach((name, d) => { init[d]![k] = own[name]!; });
  }
  // Overrides in declared order, so an expression may use the variables before it.
  m.variables.forEach((name, d) => {
    const v = p.init?.[name];
    if (v === undefined) return;
    const values = perNeuron(v, p.size, start, seed, INIT_DRAWS + d, random, (k) => ({
      ...paramsOf(k), ...Object.fromEntries(m.variables.map((w, e) => [w, init[e]![k]!])),
    }));
    if (typeof values === 'number') init[d]!.fill(values);
    else init[d]!.set(values);
  });
  return { params, init };
}
