// A circuit: neurons of any differential model, Neun's synapses between them, stimuli, and B
// independent copies that may differ in any number (docs/models.md, docs/conventions.md#neuns-synapses). Plain JSON-serialisable data.
import type { CircuitIntegrator } from '../equations/integrators';
import type { NeuronModelName } from './models';

/** Times are in ms; a stimulus starts at the step round(start / dt) and stops before round(stop / dt). */
export type Stimulus =
  | { kind: 'constant'; amplitude: number }
  /** amplitude from `start` until `stop` (or the end). */
  | { kind: 'step'; amplitude: number; start: number; stop?: number }
  /** Rectangular pulses, e.g. seed 001's double impulse. */
  | { kind: 'pulses'; pulses: { start: number; duration: number; amplitude: number }[] }
  /** `count` pulses of `width` every `period`, the first at `start`. */
  | { kind: 'train'; amplitude: number; start: number; width: number; period: number; count: number }
  /** Samples every `interval` ms (a multiple of dt) from `start`, held or linearly interpolated, times `amplitude`. */
  | { kind: 'waveform'; samples: number[]; interval: number; start?: number; interpolation?: 'hold' | 'linear'; amplitude?: number }
  /** Gaussian current, amplitude · N(0,1) drawn anew every step (Philox, keyed by seed, step, neuron). */
  | { kind: 'noise'; amplitude: number; start?: number; stop?: number };

export interface CircuitNeuron {
  /** Optional name, usable wherever a neuron index is. */
  name?: string;
  model: NeuronModelName;
  /** A named parameter set of the model (HH: 'neun' (default), 'hh1952'; Izhikevich: 'RS', 'FS', …). */
  preset?: string;
  /** Parameters overriding the preset's. */
  params?: Record<string, number>;
  /** Initial state overriding the model's (HH: gates at their steady state at rest). */
  init?: Record<string, number>;
  /** The model's `threshold` parameter: HH and HR spike on an upward crossing of it, Izhikevich resets at it. */
  spikeThreshold?: number;
  stimuli?: Stimulus[];
}

/** Neuron reference: index into `neurons` or a neuron's name. */
export type NeuronRef = number | string;

/** Neun's electrical synapse: i1 = g1 (V_b − V_a) into a, i2 = g2 (V_a − V_b) into b. */
export interface ElectricalSynapse { kind: 'electrical'; a: NeuronRef; b: NeuronRef; g1: number; g2: number }

/** Neun's diffusion synapse (Destexhe 1994): r released on an upward crossing of `threshold` by V_pre. */
export interface DiffusionSynapse {
  kind: 'diffusion';
  pre: NeuronRef;
  post: NeuronRef;
  /** i = gsyn · r · (V_post − esyn), added to post's input (Neun's sign). */
  gsyn: number;
  esyn: number;
  threshold: number;
  alpha?: number;
  beta?: number;
  T?: number;
  maxReleaseTime?: number;
  /** Sub-steps of h = dt / steps per step. */
  steps?: number;
}

export type CircuitSynapse = ElectricalSynapse | DiffusionSynapse;

export const DIFFUSION_DEFAULTS = { alpha: 1.1, beta: 0.19, T: 1, maxReleaseTime: 1, steps: 1 } as const;

/** One number that differs between copies: `values[b]` for copy b. */
export interface BatchVariation {
  /**
   * What varies: `neurons[i].params.NAME`, `neurons[i].init.VAR`, `neurons[i].spikeThreshold`,
   * `neurons[i].stimuli[k].amplitude`, or `synapses[j].FIELD` (i may be a neuron's name).
   */
  path: string;
  values: number[];
}

export interface TraceRequest {
  /** A neuron's state variable (or 'I', its total input) … */
  neuron?: NeuronRef;
  /** … or a synapse's current ('i1', 'i2' electrical; 'i' diffusion) or state ('r'). */
  synapse?: number;
  variable: string;
  /** Copies to record; all of them by default. */
  copies?: number[];
}

export interface CircuitDescription {
  name?: string;
  /** Time step in ms. */
  dt: number;
  integrator: CircuitIntegrator;
  seed?: number;
  neurons: CircuitNeuron[];
  synapses?: CircuitSynapse[];
  batch?: {
    copies: number;
    vary?: BatchVariation[];
    /**
     * What a non-finite state (NaN, ±Inf) does: 'stop' the whole run with an error (default), or
     * 'freeze-copy': that copy keeps its last finite state, stops, and is reported (copy, neuron,
     * step) in `failures`; the other copies go on (a scan into a diverging range).
     */
    nonFinite?: 'stop' | 'freeze-copy';
  };
  record?: {
    /** Record spike events (default true). */
    spikes?: boolean;
    traces?: TraceRequest[];
    /** Record traces after every `every`-th step (default 1). */
    every?: number;
  };
}
