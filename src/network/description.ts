// The network description: plain JSON-serialisable data that knows nothing about the GPU.

/** Izhikevich's named parameter sets (docs/models.md#izhikevich). */
import { IZHIKEVICH_TYPES, type IzhikevichType } from '../models/izhikevich';

export { IZHIKEVICH_TYPES, type IzhikevichType };

/** One value for every neuron of the population, or one per neuron. */
export type Values = number | ArrayLike<number>;

export interface Population {
  name: string;
  size: number;
  model: 'izhikevich';
  /** Base parameter set; RS when omitted. */
  type?: IzhikevichType;
  /** Overrides of the base set (scalar or per neuron). */
  params?: { a?: Values; b?: Values; c?: Values; d?: Values };
  /**
   * The seed's per-neuron randomisation with r ~ U(0,1) per neuron (docs/conventions.md#order-of-a-step):
   * 'excitatory': c += 15 r², d −= 6 r²;  'inhibitory': a += 0.08 r, b −= 0.05 r.
   */
  heterogeneity?: 'none' | 'excitatory' | 'inhibitory';
  /** Initial state; v = −65 mV and u = b·v when omitted. */
  init?: { v?: Values; u?: Values };
  /** Spike threshold in mV (30 when omitted). */
  threshold?: number;
}

/** A population, or chosen neurons of it (indices within the population). */
export type Target = string | { population: string; neurons?: number[] };

export type Input =
  /** Gaussian white current σ·N(0,1), drawn anew every step (Philox, keyed by seed, step, neuron). */
  | { type: 'noise'; target: Target; sigma: number }
  /** A constant current, optionally on only for start ≤ t < stop (ms): a step current. */
  | { type: 'constant'; target: Target; amplitude: Values; start?: number; stop?: number };

export type Connectivity =
  /** Row-major S with S[post·N + pre]: the weight from pre to post, N×N over all neurons. */
  | { type: 'dense'; weights: ArrayLike<number> }
  /** The seed's random S: S[i][j] = scale[population of j] · U(0,1), drawn from the seed. */
  | { type: 'uniform-random'; scale: Record<string, number> };

export interface RecordSpec {
  /** Record every spike (step, neuron); on unless false. */
  spikes?: boolean;
  /** Record v, u and the total input I of these neurons (global indices) at every step. */
  traces?: number[];
}

export interface NetworkDescription {
  name?: string;
  /** Time step in ms. */
  dt: number;
  /**
   * 'izhikevich2003': the seed's scheme (v advanced in two dt/2 half-steps, then u with the new v);
   * 'euler': forward Euler on (v, u).
   */
  integrator: 'izhikevich2003' | 'euler';
  /** Seed of every random draw (integer, 0 ≤ seed < 2⁵³). */
  seed: number;
  populations: Population[];
  connectivity?: Connectivity;
  inputs?: Input[];
  record?: RecordSpec;
}

export const INTEGRATORS = ['izhikevich2003', 'euler'] as const;
