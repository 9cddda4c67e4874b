// The one network description (docs/network.md): populations of any model, projections with any
// connectivity and synapse kind, inputs, recording, batches. Plain JSON-serialisable data; the
// schema gives the TypeScript types, refuses unknown keys by path, and exports a JSON Schema.
import * as v from 'valibot';
import { SYNAPSE_PROBE_VARIABLES } from './fields.js';
import { ModelDeclarationSchema } from './model_schema.js';
import {
  type InputValue, MAX_ARRAY, MAX_NEURONS, about, atMost, bool, notEmpty, num, delayValue, f32, index, inputValue, key, name, neuronValue, numbers, positive, steps, stepsFrom, synapseValue, whole,
} from './values.js';

export const PopulationSchema = v.strictObject({
  name,
  size: whole(1, MAX_NEURONS),
  model: about(v.union([key, ModelDeclarationSchema], 'must be a built-in model name or a model declaration'), 'a built-in model by name, or a declaration of your own'),
  preset: v.optional(about(key, "a named parameter set of the model (e.g. Izhikevich's 'RS')")),
  parameters: v.optional(about(v.record(key, neuronValue), 'overrides of the preset, per population or per neuron')),
  init: v.optional(about(v.record(key, neuronValue), "initial state overriding the model's")),
  random: v.optional(about(v.record(name, v.picklist(['uniform', 'normal'])),
    'per-neuron random variables the parameter and init expressions may use: U(0,1) or N(0,1), drawn once per neuron')),
  integrator: v.optional(about(key, "'euler', 'rk4', 'rk6', 'exponential_euler' or one of the model's schemes (the model's default when omitted)")),
});

const autapses = v.optional(about(bool(), 'allow a neuron to connect to itself when source and target are one population (default false)'));
export const ConnectivitySchema = v.variant('rule', [
  v.strictObject({ rule: v.literal('all-to-all'), autapses }),
  v.strictObject({ rule: v.literal('one-to-one') }),
  v.strictObject({ rule: v.literal('fixed-probability'), p: v.pipe(num(), v.minValue(0, 'must be at least 0'), v.maxValue(1, (i) => `must be at most 1, got ${i.input}`)), autapses }),
  v.strictObject({ rule: v.literal('fixed-in-degree'), k: about(steps, 'synapses onto each target neuron'), autapses }),
  v.strictObject({ rule: v.literal('fixed-out-degree'), k: about(steps, 'synapses from each source neuron'), autapses }),
  v.strictObject({ rule: v.literal('fixed-total'), n: about(steps, 'synapses in all'), autapses }),
  v.strictObject({ rule: v.literal('list'), pre: about(numbers, 'source indices'), post: about(numbers, 'target indices, post[s] for pre[s]') }),
  v.strictObject({ rule: v.literal('dense'), weights: about(numbers, 'target.size × source.size, row-major: weights[post · source.size + pre]') }),
  v.strictObject({ rule: v.literal('seed-random'), scale: about(f32, "S[i][j] = scale · U(0,1) for every pair (the seed network's S)") }),
], 'must have a rule: all-to-all, one-to-one, fixed-probability, fixed-in-degree, fixed-out-degree, fixed-total, list, dense or seed-random');

const variable = about(key, "a state variable of the target's model, or 'I' (the input of the step)");
export const SynapseSchema = v.variant('kind', [
  v.strictObject({ kind: v.literal('pulse'), target: variable }),
  v.strictObject({
    kind: v.literal('exponential'),
    target: about(key, "a decaying state variable of the target model (COBAHH's 'ge'), or 'I' for a current of its own"),
    tau: v.optional(about(positive, "decay time (ms) of the synapse's own current, when target is 'I'")),
  }),
  v.strictObject({ kind: v.literal('electrical'), g2: v.optional(about(synapseValue, 'into the target: g2·(V_source − V_target); the weight when omitted')) }),
  v.strictObject({
    kind: v.literal('diffusion'), esyn: f32, threshold: f32,
    alpha: v.optional(f32), beta: v.optional(f32), T: v.optional(f32),
    maxRelease: v.optional(about(steps, 'steps the release lasts')),
    substeps: v.optional(whole(1, 1000)),
  }),
], 'must have a kind: pulse, exponential, electrical or diffusion');

export const ProjectionSchema = v.strictObject({
  name: v.optional(name),
  source: name,
  target: name,
  connectivity: ConnectivitySchema,
  synapse: SynapseSchema,
  weight: v.optional(about(synapseValue, 'per synapse; 1 when omitted')),
  delay: v.optional(about(delayValue, 'steps: a spike at step s arrives before the integration of step s + 1 + delay')),
  storage: v.optional(v.picklist(['auto', 'dense', 'csr', 'procedural'])),
});

const window = { start: v.optional(steps), stop: v.optional(steps) };
const inputTarget = {
  target: about(name, 'a population'),
  neurons: v.optional(about(v.pipe(v.array(index), atMost(MAX_NEURONS)), 'indices within the population (all when omitted)')),
  variable: v.optional(about(key, "the state variable driven (default 'I', the summed input)")),
};
export const InputSchema = v.variant('kind', [
  v.strictObject({ kind: v.literal('constant'), ...inputTarget, amplitude: inputValue, ...window }),
  v.strictObject({
    kind: v.literal('pulses'), ...inputTarget,
    pulses: v.pipe(v.array(v.strictObject({ start: steps, duration: stepsFrom(1), amplitude: f32 })), notEmpty(), atMost(100_000)),
  }),
  v.strictObject({ kind: v.literal('train'), ...inputTarget, amplitude: f32, start: steps, width: stepsFrom(1), period: stepsFrom(1), count: stepsFrom(1) }),
  v.strictObject({
    kind: v.literal('waveform'), ...inputTarget, samples: v.pipe(v.array(f32), notEmpty(), atMost(MAX_ARRAY)), every: stepsFrom(1),
    start: v.optional(steps), interpolation: v.optional(v.picklist(['hold', 'linear'])), amplitude: v.optional(f32),
  }),
  v.strictObject({ kind: v.literal('noise'), ...inputTarget, sigma: about(inputValue, 'σ of σ·N(0,1), drawn anew every step'), ...window }),
  v.strictObject({
    kind: v.literal('poisson'), ...inputTarget,
    rate: about(inputValue, 'Hz per neuron'), weight: about(f32, 'added to the variable at each event'), ...window,
  }),
  v.strictObject({
    kind: v.literal('external'), ...inputTarget,
    name: v.optional(about(name, 'how sim.externalInput(name) finds it')),
  }),
], 'must have a kind: constant, pulses, train, waveform, noise, poisson or external');

export const ProbeSchema = v.strictObject({
  population: name,
  variable: key,
  neurons: v.pipe(v.array(index), notEmpty(), atMost(4096)),
  every: v.optional(about(stepsFrom(1), 'record after every k-th step (default 1)')),
});

export const SynapseProbeSchema = v.strictObject({
  projection: about(name, 'a named electrical or diffusion projection'),
  variable: about(v.picklist(SYNAPSE_PROBE_VARIABLES),
    "'i': the current into the target; 'i_source': an electrical synapse's current into the source; 'r': a diffusion synapse's released fraction"),
  synapses: about(v.pipe(v.array(index), notEmpty(), atMost(4096)), "indices in the projection's synapse order (by source neuron, then as the rule lists them)"),
  every: v.optional(about(stepsFrom(1), 'record after every k-th step (default 1)')),
});

export const RecordSchema = v.strictObject({
  spikes: v.optional(about(v.union([bool(), v.array(name)]), 'every spike (default), none, or those of these populations')),
  rates: v.optional(about(bool(), 'spikes per step and population')),
  probes: v.optional(v.pipe(v.array(ProbeSchema), atMost(64))),
  synapseProbes: v.optional(v.pipe(v.array(SynapseProbeSchema), atMost(64))),
});

export const BatchSchema = v.strictObject({
  copies: whole(1, MAX_NEURONS),
  vary: v.optional(v.pipe(v.array(v.strictObject({
    path: about(v.pipe(v.string(), atMost(200)), "e.g. 'populations.exc.parameters.a' or 'projections.ee.weight'"),
    values: v.pipe(v.array(f32), notEmpty()),
  })), atMost(64))),
  nonFinite: v.optional(v.picklist(['stop', 'freeze-copy'])),
});

export const NetworkSchema = v.strictObject({
  name: v.optional(v.pipe(v.string(), atMost(200))),
  dt: about(v.pipe(positive, v.maxValue(100, 'must be at most 100 ms')), 'time step, ms'),
  seed: about(whole(0, Number.MAX_SAFE_INTEGER), 'seed of every random draw'),
  populations: v.pipe(v.array(PopulationSchema), v.minLength(1, 'needs at least one population'), atMost(64)),
  projections: v.optional(v.pipe(v.array(ProjectionSchema), atMost(256))),
  inputs: v.optional(v.pipe(v.array(InputSchema), atMost(256))),
  record: v.optional(RecordSchema),
  batch: v.optional(BatchSchema),
});

/**
 * A network description (docs/network.md): plain JSON-serialisable data, validated by `validateNetwork`; its JSON Schema is docs/network.schema.json.
 * @useDeclaredType
 */
export type Network = v.InferOutput<typeof NetworkSchema>;
/**
 * A population of one model (docs/network.md#populations).
 * @useDeclaredType
 */
export type Population = v.InferOutput<typeof PopulationSchema>;
/**
 * Synapses from one population to another (docs/network.md#projections).
 * @useDeclaredType
 */
export type Projection = v.InferOutput<typeof ProjectionSchema>;
/**
 * A projection's connectivity rule (docs/network.md#projections).
 * @useDeclaredType
 */
export type Connectivity = v.InferOutput<typeof ConnectivitySchema>;
/**
 * What a spike does to its target (docs/network.md#projections).
 * @useDeclaredType
 */
export type Synapse = v.InferOutput<typeof SynapseSchema>;
/**
 * An input into a population (docs/network.md#inputs).
 * @useDeclaredType
 */
export type Input = v.InferOutput<typeof InputSchema>;
/**
 * A recorded state variable of chosen neurons (docs/network.md#recording-and-batches).
 * @useDeclaredType
 */
export type Probe = v.InferOutput<typeof ProbeSchema>;
export type SynapseProbe = v.InferOutput<typeof SynapseProbeSchema>;
