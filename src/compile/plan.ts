// A validated network compiled once into what every backend runs (docs/network.md): each
// population's model, integrator, parameters and initial state per neuron and copy, refractory
// periods in steps; each projection's synapse kind and where its spikes land; the inputs; the
// batch's variations resolved. Built on the host in f64; nothing here knows about the GPU.
import { evaluate } from '../equations/compile.js';
import type { ParsedModel } from '../equations/model.js';
import { populationModel } from '../spec/check.js';
import type { Input, Network, Projection, Synapse } from '../spec/network.js';
import { inputValueOf } from '../spec/fields.js';
import { assertNetwork } from '../spec/validate.js';
import { isArray } from '../spec/value_kinds.js';
import { INPUT_DRAWS, drawnPerNeuron, populationValues } from './values.js';

export interface PopulationPlan {
  index: number;
  name: string;
  /** Global index of the first neuron (populations follow each other in the description's order). */
  start: number;
  size: number;
  model: ParsedModel;
  integrator: string;
  /**
   * Per parameter, in declared order: one number for every neuron of every copy (folded into
   * generated code), or one value per element, element = copy · size + neuron.
   */
  params: (number | Float64Array)[];
  /** Per state variable: the initial value of each element. */
  init: Float64Array[];
  /** Refractory period in steps per element, or one for all; null when the model has none. */
  refractory: number | Int32Array | null;
}

export interface ProjectionPlan {
  index: number;
  name: string;
  spec: Projection;
  source: PopulationPlan;
  target: PopulationPlan;
  synapse: Synapse;
  /** A pulse or exponential synapse's target: a state variable's index, or -1 for the input I. */
  variable: number;
  /** Batch: the weight of every synapse in each copy (null: the description's weights in every copy). */
  weightPerCopy: Float64Array | null;
}

export interface InputPlan {
  index: number;
  spec: Input;
  target: PopulationPlan;
  /** Neurons within the population that receive it. */
  neurons: Uint32Array;
  /** State variable driven, or -1 for I. */
  variable: number;
  /** Amplitude, σ or rate per receiving neuron and copy ([copy · neurons.length + k]); null for the kinds that carry their own. */
  values: Float64Array | null;
}

export interface Plan {
  network: Network;
  dt: number;
  seed: number;
  copies: number;
  /** Neurons in one copy. */
  n: number;
  populations: PopulationPlan[];
  projections: ProjectionPlan[];
  inputs: InputPlan[];
  freeze: boolean;
  recordSpikes: boolean[];
  recordRates: boolean;
}


/** The batch paths that vary a population's parameter and a projection's weight (none for an unnamed projection). */
export const parameterPath = (population: string, parameter: string) => `populations.${population}.parameters.${parameter}`;
export const weightPath = (spec: Projection) => (spec.name === undefined ? undefined : `projections.${spec.name}.weight`);

/** Repeats per-neuron values over the copies, then applies a batch's per-copy value. */
function perCopy(x: number | Float64Array, size: number, copies: number, varied: readonly number[] | undefined): number | Float64Array {
  if (!varied && (typeof x === 'number' || copies === 1)) return x;
  const out = new Float64Array(copies * size);
  for (let c = 0; c < copies; c++) {
    if (varied) out.fill(varied[c]!, c * size, (c + 1) * size);
    else if (typeof x === 'number') out.fill(x, c * size, (c + 1) * size);
    else out.set(x, c * size);
  }
  return out;
}

/** perCopy, always as an array (state and input values are read per element). */
function perCopyArray(x: number | Float64Array, size: number, copies: number, varied: readonly number[] | undefined): Float64Array {
  const y = perCopy(x, size, copies, varied);
  return typeof y === 'number' ? new Float64Array(copies * size).fill(y) : y;
}

/** Compiles a network description (validated here; NetworkSpecError names the field). */
export function compileNetwork(input: unknown): Plan {
  return compileValidated(assertNetwork(input));
}

/** Compiles a description assertNetwork has already accepted. */
export function compileValidated(net: Network): Plan {
  return planNetwork(net, net.populations.map((p) => populationModel(p) as ParsedModel));
}

/** The plan of a validated description whose populations' models are parsed already (`models`, in their order): a compiled program's. */
export function planNetwork(net: Network, models: readonly ParsedModel[]): Plan {
  const copies = net.batch?.copies ?? 1;
  const vary = new Map((net.batch?.vary ?? []).map((v) => [v.path, v.values]));
  let start = 0;
  const populations = net.populations.map((p, index): PopulationPlan => {
    const model = models[index]!;
    const values = populationValues(p, model, start, net.seed);
    const params = values.params.map((x, k) => perCopy(x, p.size, copies, vary.get(parameterPath(p.name, model.parameters[k]!))));
    const init = values.init.map((x, d) => perCopyArray(x, p.size, copies, vary.get(`populations.${p.name}.init.${model.variables[d]}`)));
    let refractory: number | Int32Array | null = null;
    if (model.refractory) {
      const steps = (ms: number) => Math.max(0, Math.round(ms / net.dt));
      const names = model.parameters, dt = { dt: net.dt };
      if (params.every((x) => typeof x === 'number')) {
        refractory = steps(evaluate(model.refractory, { ...dt, ...Object.fromEntries(names.map((k, q) => [k, params[q] as number])) }));
      } else {
        refractory = new Int32Array(copies * p.size);
        for (let e = 0; e < refractory.length; e++) {
          refractory[e] = steps(evaluate(model.refractory, { ...dt, ...Object.fromEntries(names.map((k, q) => [k, typeof params[q] === 'number' ? params[q] as number : (params[q] as Float64Array)[e]!])) }));
        }
      }
    }
    const plan = { index, name: p.name, start, size: p.size, model, integrator: p.integrator ?? model.integrator, params, init, refractory };
    start += p.size;
    return plan;
  });
  const byName = new Map(populations.map((p) => [p.name, p]));
  const projections = (net.projections ?? []).map((spec, index): ProjectionPlan => {
    const target = byName.get(spec.target)!;
    const s = spec.synapse;
    const variable = (s.kind === 'pulse' || s.kind === 'exponential') && s.target !== 'I' ? target.model.variables.indexOf(s.target) : -1;
    const path = weightPath(spec), varied = path === undefined ? undefined : vary.get(path);
    return {
      index, name: spec.name ?? `projections[${index}]`, spec, source: byName.get(spec.source)!, target, synapse: s, variable,
      weightPerCopy: varied ? Float64Array.from(varied) : null,
    };
  });
  const inputs = (net.inputs ?? []).map((spec, index): InputPlan => {
    const target = byName.get(spec.target)!;
    const neurons = spec.neurons ? Uint32Array.from(spec.neurons) : Uint32Array.from({ length: target.size }, (_, k) => k);
    const variable = spec.variable === undefined || spec.variable === 'I' ? -1 : target.model.variables.indexOf(spec.variable);
    const per = inputValueOf(spec), field = per?.value;
    let values: Float64Array | null = null;
    if (per && field !== undefined) {
      const m = neurons.length;
      const one = typeof field === 'number' ? field : isArray(field) ? Float64Array.from(field)
        : drawnPerNeuron(field, Uint32Array.from(neurons, (k) => target.start + k), net.seed, INPUT_DRAWS + index);
      const key = `inputs.${index}.${per.field}`;
      values = perCopyArray(one, m, copies, vary.get(key));
    }
    return { index, spec, target, neurons, variable, values };
  });
  const spikes = net.record?.spikes ?? true;
  return {
    network: net, dt: net.dt, seed: net.seed, copies, n: start, populations, projections, inputs,
    freeze: net.batch?.nonFinite === 'freeze-copy',
    recordSpikes: populations.map((p) => (Array.isArray(spikes) ? spikes.includes(p.name) : spikes)),
    recordRates: net.record?.rates ?? false,
  };
}
