// The building blocks of a network description's schema: f32-safe numbers, integer step counts
// that fit the GPU's 32-bit counters, names, per-neuron values and distributions.
import * as v from 'valibot';
import { DELAY_RANGE, F32_MAX, MAX_ARRAY, MAX_NEURONS, MAX_STEP, type BoundedNormal } from './value_kinds.js';

export * from './value_kinds.js';


export const about = <T extends v.GenericSchema>(schema: T, text: string) => v.pipe(schema, v.description(text));
/** Length limits with messages in the description's words (valibot's defaults read 'Invalid length: …'). */
export const atMost = <T extends string | unknown[]>(n: number) => v.maxLength<T, number, (i: v.MaxLengthIssue<T, number>) => string>(n, (i) => `must have at most ${n} ${typeof i.input === 'string' ? 'characters' : 'entries'}, got ${i.received}`);
export const notEmpty = <T extends string | unknown[]>() => v.minLength<T, 1, string>(1, 'must not be empty');

/** A number of any value (NaN is none), with the message in the description's words. */
export const num = () => v.number((i) => `must be a number, got ${i.received}`);
/** true or false, named so. */
export const bool = () => v.boolean((i) => `must be true or false, got ${i.received}`);

export const f32 = v.pipe(num(), v.check((x) => Math.abs(x) <= F32_MAX, `must fit an f32 (|x| ≤ ${F32_MAX.toPrecision(5)})`));
export const positive = v.pipe(f32, v.check((x) => x > 0, 'must be > 0'));
export const whole = (lo: number, hi: number, what = 'a whole number') =>
  v.pipe(num(), v.integer(`must be ${what}`), v.minValue(lo, `must be at least ${lo}`), v.maxValue(hi, `must be at most ${hi}`));

/** A count or a time in steps: an integer in [0, MAX_STEP], so no GPU counter can wrap. */
export const steps = v.pipe(num(), v.integer('must be a whole number of steps'), v.minValue(0, 'must be at least 0'),
  v.maxValue(MAX_STEP, `must be at most ${MAX_STEP} steps (the GPU counts steps in 32 bits)`));
export const stepsFrom = (lo: number) => v.pipe(steps, v.minValue(lo, `must be at least ${lo} step${lo === 1 ? '' : 's'}`));
export const index = whole(0, MAX_NEURONS - 1);

export const name = v.pipe(v.string(), v.regex(/^[A-Za-z_][A-Za-z0-9_-]{0,62}$/,
  "must be letters, digits, '_' or '-', starting with a letter or '_', at most 63 characters"));
export const key = v.pipe(v.string(), v.maxLength(63, 'must be at most 63 characters'));

const typed = [Float32Array, Float64Array, Int32Array, Uint32Array, Int16Array, Uint16Array, Int8Array, Uint8Array] as const;
/** The first element that is not an f32-safe number is named by its index (10⁸ weights: the index is what helps). */
const f32Elements = <T extends ArrayLike<unknown>>() => v.rawCheck<T>(({ dataset, addIssue }) => {
  if (!dataset.typed) return;
  const a = dataset.value;
  for (let k = 0; k < a.length; k++) {
    const x = a[k];
    if (typeof x === 'number' && Math.abs(x) <= F32_MAX) continue;
    const message = typeof x !== 'number' || Number.isNaN(x) ? `must be a number, got ${String(x)}` : `must fit an f32 (|x| ≤ ${F32_MAX.toPrecision(5)}), got ${x}`;
    addIssue({ message, path: [{ type: 'array', origin: 'value', input: a as unknown as unknown[], key: k, value: x }] });
    return;
  }
});
// Typed as numbers: f32Elements has checked every element (an array of v.number() would lose the index inside the union).
/** The element schema of a JSON array of numbers: any value here, checked by f32Elements; 'number' in the JSON Schema. */
export const numberElement = v.unknown();
const jsonNumbers = v.pipe(v.array(numberElement), atMost(MAX_ARRAY), f32Elements<unknown[]>()) as unknown as
  v.SchemaWithPipe<readonly [v.ArraySchema<v.NumberSchema<undefined>, undefined>, v.MaxLengthAction<number[], number, string>]>;
/** Numbers, one per neuron or synapse: a JSON array, or a typed array from code. */
export const numbers = v.union([
  jsonNumbers,
  ...typed.map((T) => v.pipe(v.instance(T as unknown as new () => ArrayLike<number>), f32Elements<ArrayLike<number>>())),
], 'must be an array of numbers');
export type Numbers = ArrayLike<number>;

const ordered = v.check((x: [number, number]) => x[0] <= x[1], 'needs low ≤ high');
const uniformDistribution = v.strictObject({ uniform: about(v.pipe(v.tuple([f32, f32]), ordered), '[low, high): drawn per element from the counter-based RNG') });
const normalPair = about(v.tuple([f32, v.pipe(f32, v.minValue(0, 'sd must be ≥ 0'))]), '[mean, sd]');
export const distribution = v.union([uniformDistribution, v.strictObject({ normal: normalPair })]);


/** The bounded normal's schema; `range` limits min and max (delays: DELAY_RANGE), `unit` names what is drawn. */
const boundedNormal = (unit: string, range?: readonly [number, number]) => {
  const bound = (text: string) => about(range ? v.pipe(f32, v.minValue(range[0], `must be at least ${range[0]}`), v.maxValue(range[1], `must be at most ${range[1]}`)) : f32, text);
  return about(v.strictObject({
    normal: normalPair,
    min: v.optional(bound(`lowest ${unit} kept (inclusive); ${range ? `${range[0]} when omitted` : 'unbounded when omitted'}`)),
    max: v.optional(bound(`highest ${unit} kept (inclusive); ${range ? `${range[1]} when omitted` : 'unbounded when omitted'}`)),
  }), `N(mean, sd) per synapse, drawn again (never clipped) while outside [min, max], as NEST's redraw; the bounds must keep at least 1 % of it`);
};

/**
 * A value per neuron: one number for all, an array (one per neuron), a distribution drawn per
 * neuron, or an expression of the population's random variables and base parameter values,
 * e.g. 'c + 15 * r**2' (the seed's randomisation).
 */
export const neuronValue = v.union([f32, numbers, distribution, v.pipe(v.string(), notEmpty(), atMost(2000))],
  'must be a number, an array with one number per neuron, {uniform: [low, high]}, {normal: [mean, sd]} or an expression');
export type NeuronValue = v.InferOutput<typeof neuronValue>;

/** A value per receiving neuron of an input: one number, an array, or a distribution. */
export const inputValue = v.union([f32, numbers, distribution],
  'must be a number, an array with one number per receiving neuron, {uniform: [low, high]} or {normal: [mean, sd]}');
export type InputValue = v.InferOutput<typeof inputValue>;

/** A value per synapse: one number, an array (one per synapse), a uniform draw, or a normal drawn again outside its bounds. */
export const synapseValue = v.union([f32, numbers, uniformDistribution, boundedNormal('value')],
  'must be a number, an array with one number per synapse, {uniform: [low, high]} or {normal: [mean, sd], min?, max?}');
export type SynapseValue = v.InferOutput<typeof synapseValue>;

/**
 * A delay in steps per synapse: one count, a uniform integer range [low, high], one per synapse,
 * or a normal in steps drawn again outside [min, max], then rounded to the nearest step, halves up.
 */
export const delayValue = v.union([steps, v.strictObject({ uniform: v.pipe(v.tuple([steps, steps]), ordered) }), numbers, boundedNormal('delay (steps, before rounding)', DELAY_RANGE)],
  'must be whole steps, {uniform: [low, high]}, an array with one per synapse or {normal: [mean, sd], min?, max?} in steps');
export type DelayValue = v.InferOutput<typeof delayValue>;
