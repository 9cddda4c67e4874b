// A compiled program (docs/programs.md): a network description with what the compiler derived
// from it ahead of time (parsed models, the kernels' WGSL, the footprint), as plain JSON. Its
// data (per-neuron values, stored synapses) is not in it: loading draws them from the seed.
import type { GpuFootprint } from '../compile/memory.js';

export const PROGRAM_FORMAT = 'spikegpu-program';
export const PROGRAM_FORMAT_VERSION = 1;

/** What `compileProgram` writes and `loadProgram` reads; JSON as it stands (JSON.stringify it to save it). */
export interface GpuProgram {
  format: typeof PROGRAM_FORMAT;
  formatVersion: typeof PROGRAM_FORMAT_VERSION;
  /** The spikegpu version and build that compiled it (`VERSION+BUILD`): a program loads only in that build. */
  library: string;
  /** The validated description, encoded (typed arrays as arrays, non-finite numbers tagged). */
  network: unknown;
  /** Each population's parsed model, encoded. */
  models: unknown;
  /** The options the code was generated for: the records hold this many steps and spikes a chunk. */
  stepsPerSubmit: number;
  spikeCapacity: number;
  /** The estimate a device is checked against before anything is built, and the refusal's details. */
  footprint: GpuFootprint & { neurons: number; oneCopyLargest: number | null; procedural: number | null };
  /** The engine's WGSL, the synapse stores' part left at its place (STORES_PLACE) for loadProgram to fill once the device has placed them. */
  code: string;
  /** Hashes of the layout the code was generated for, and of the fields above: a changed one is refused. */
  layout: string;
  integrity: string;
}

/** A program that cannot be loaded here, named by its field. */
export class ProgramError extends Error {
  constructor(readonly field: string, detail: string) {
    super(`program.${field}: ${detail}`);
    this.name = 'ProgramError';
  }
}

const TYPED = { Float32Array, Float64Array, Int32Array, Uint32Array, Int16Array, Uint16Array, Int8Array, Uint8Array } as const;
type TypedName = keyof typeof TYPED;

/** The typed array kind a value is (a subclass such as Node's Buffer counts as its base), or null. */
const typedName = (value: unknown): TypedName | null =>
  (Object.keys(TYPED) as TypedName[]).find((name) => value instanceof TYPED[name]) ?? null;

/** Plain JSON of a value holding typed arrays, Maps, -0 and non-finite numbers (each tagged, so decode restores it). */
export function encode(value: unknown): unknown {
  // JSON writes -0 as 0: a -0 in a description can change what runs (1 / -0 is -Infinity).
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0) ? value : { $number: String(Object.is(value, -0) ? '-0' : value) };
  const typed = typedName(value);
  if (typed) return { $typed: typed, values: Array.from(value as ArrayLike<number>, encode) };
  if (ArrayBuffer.isView(value)) throw new TypeError(`a ${value.constructor.name} cannot be written into a program: give the values as an array`);
  if (value instanceof Map) return { $map: [...value].map(([k, v]) => [k, encode(v)]) };
  if (Array.isArray(value)) return value.map(encode);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v)]));
  return value;
}

/** The value `encode` was given; a tag it never writes is refused, naming the program's `field`. */
export function decode(json: unknown, field: string): unknown {
  const value = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(value);
    if (typeof x !== 'object' || x === null) return x;
    const o = x as Record<string, unknown>;
    if ('$number' in o) {
      if (!['-0', 'NaN', 'Infinity', '-Infinity'].includes(o.$number as string)) throw new ProgramError(field, `holds {$number: ${JSON.stringify(o.$number)}}, which no compiled program writes`);
      return Number(o.$number);
    }
    if ('$typed' in o) {
      if (typeof o.$typed !== 'string' || !Object.hasOwn(TYPED, o.$typed) || !Array.isArray(o.values)) throw new ProgramError(field, `holds a typed array tagged ${JSON.stringify(o.$typed)}, which no compiled program writes`);
      return TYPED[o.$typed as TypedName].from(value(o.values) as number[]);
    }
    if ('$map' in o) {
      if (!Array.isArray(o.$map)) throw new ProgramError(field, 'holds a $map that is not a list of entries');
      return new Map((o.$map as [unknown, unknown][]).map(([k, v]) => [k, value(v)]));
    }
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, value(v)]));
  };
  return value(json);
}

/** JSON with every object's keys sorted: the same text whatever order a tool rewrote the keys in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) => (typeof v === 'object' && v !== null && !Array.isArray(v)
    ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]])) : v));
}

/** FNV-1a (32 bits) of a text with its length: a check against edits and drift, not a signature. */
export function hashText(text: string): string {
  let h = 0x811c9dc5;
  for (let k = 0; k < text.length; k++) { h ^= text.charCodeAt(k); h = Math.imul(h, 0x01000193) >>> 0; }
  return `${h.toString(16).padStart(8, '0')}-${text.length}`;
}

/** The layout's tables of data drawn from the seed (and host-built synapses): the code names only their sizes. */
const DATA = new Set(['stateData', 'paramData', 'refrData', 'synData', 'inputData']);

/** What the build of rows the GPU draws sets in a layout (where they lie: placed into the code at load, gpu_stores_code.ts). */
const PLACEMENT = new Set(['pieces', 'stores', 'maxInDegree']);

/** The hash of what a program's code depends on in a layout: offsets, sizes and the probed neurons; of the data, only sizes. */
export function layoutHash(shape: { L: object; R: object; probes: unknown; kept: ReadonlyMap<string, number>; stateWords: number }): string {
  const text = JSON.stringify({ L: shape.L, R: shape.R, probes: shape.probes, kept: [...shape.kept], stateWords: shape.stateWords }, (key, value: unknown) => {
    if (key === 'plan') return undefined;  // the plan's own objects (the description and models are hashed as the program's fields)
    if (PLACEMENT.has(key) || (key === 'synapses' && typeof value === 'number')) return undefined;
    if (DATA.has(key) && ArrayBuffer.isView(value)) return (value as unknown as ArrayLike<number>).length;
    if (key === 'synapses' && typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, ArrayBuffer.isView(v) ? (v as unknown as ArrayLike<number>).length : v]));
    }
    return ArrayBuffer.isView(value) ? Array.from(value as unknown as ArrayLike<number>) : value;
  });
  return hashText(text);
}

/** The hash of a program's fields the loader trusts (everything but the hash itself), whatever order their keys are in. */
export function integrityOf(p: Omit<GpuProgram, 'integrity'>): string {
  return hashText(canonical([p.format, p.formatVersion, p.library, p.network, p.models, p.stepsPerSubmit, p.spikeCapacity, p.footprint, p.code, p.layout]));
}
