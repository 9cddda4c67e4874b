// What a differential neuron model declares (ARCHITECTURE.md "Models as units"): its state
// variables, its parameters with defaults, its derivative (here in TS; the same function in
// shaders/<model>.wgsl), and how it spikes. Integrators are generic over `deriv`.

/** Parameters every model receives: up to 11 of the model's own, slot 11 = spike threshold. */
export const PARAM_SLOTS = 12;
export const SPIKE_THRESHOLD_SLOT = 11;
/** State variables a model may have (the GPU keeps a vec4 per neuron). */
export const MAX_STATE = 4;

/** dx/dt of one neuron: reads x[0..dim) and p, writes out[0..dim). `i` is the total input current. */
export type Derivative = (x: Float64Array, p: Float64Array, i: number, out: Float64Array) => void;

export interface NeuronModel {
  /** Name in descriptions, e.g. 'hodgkin_huxley'. */
  readonly name: string;
  /** Model id in shaders/circuit.wgsl's switch. */
  readonly id: number;
  /** State variables in order; the first is the membrane potential that synapses read. */
  readonly variables: readonly string[];
  /** Parameter names in order (slots 0..). */
  readonly parameters: readonly string[];
  /** Named parameter sets; `default` is used when a neuron names none. */
  readonly presets: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Initial state for a parameter set (e.g. HH gates at their steady state at rest). */
  initialState(p: Readonly<Record<string, number>>): Record<string, number>;
  /** Spike detection: an upward crossing of this level by variable 0, unless the model resets. */
  defaultSpikeThreshold(p: Readonly<Record<string, number>>): number;
  /** Izhikevich-style reset after the integrated step: returns true (a spike) when it fired. */
  readonly reset?: (x: Float64Array, p: Float64Array) => boolean;
  readonly deriv: Derivative;
}
