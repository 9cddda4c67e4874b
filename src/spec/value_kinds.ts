// The limits and kinds of a description's values, apart from their schema (src/spec/values.ts):
// the engine reads these, and a page that loads a compiled program must not load the validator.
/** Largest magnitude an f32 holds: every number the GPU reads must fit. */
export const F32_MAX = 3.4028234663852886e38;
/** Largest step count or step time: the GPU counts steps in u32 and keeps one value free. */
export const MAX_STEP = 0xffff_fffe;
/** Most neurons one network may hold (all populations, one copy). */
export const MAX_NEURONS = 1 << 26;
/** Longest array a description may carry (per-neuron or per-synapse values, waveforms). */
export const MAX_ARRAY = 1 << 28;

/** A JSON array or a typed array (descriptions built in code pass Float64Arrays). */
export const isArray = (x: unknown): x is ArrayLike<number> => Array.isArray(x) || ArrayBuffer.isView(x);
/** A value drawn uniformly per neuron or synapse ({ uniform: [low, high] }). */
export const isUniform = (x: unknown): x is { uniform: [number, number] } => typeof x === 'object' && x !== null && !isArray(x) && 'uniform' in x;

/** Longest axonal delay in steps: the arrival ring holds delay + 1 slots per neuron and target. */
export const MAX_DELAY = 4096;
/** A normal delay's default and widest bounds: rounded half up, every kept draw is a whole step in [0, MAX_DELAY]. */
export const DELAY_RANGE = [-0.5, MAX_DELAY] as const;

/** A normal per synapse, drawn again while outside [min, max] (NEST's redraw), as weights and delays take it. */
export interface BoundedNormal { normal: [number, number]; min?: number; max?: number }
export const isNormal = (x: unknown): x is BoundedNormal => typeof x === 'object' && x !== null && !isArray(x) && 'normal' in x;
/** [min, max] of a bounded normal, an absent side taken from `range` (weights: unbounded). */
export const normalBounds = (x: BoundedNormal, range: readonly [number, number] = [-Infinity, Infinity]): [number, number] => [x.min ?? range[0], x.max ?? range[1]];
