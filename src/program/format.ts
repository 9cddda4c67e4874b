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
  /** The spikegpu version that compiled it: a program loads only in that version. */
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
  /** The engine's WGSL. */
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

/** Plain JSON of a value holding typed arrays, Maps and non-finite numbers (each tagged, so decode restores it). */
export function encode(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : { $number: String(value) };
  if (ArrayBuffer.isView(value)) return { $typed: value.constructor.name, values: Array.from(value as unknown as ArrayLike<number>, encode) };
  if (value instanceof Map) return { $map: [...value].map(([k, v]) => [k, encode(v)]) };
  if (Array.isArray(value)) return value.map(encode);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v)]));
  return value;
}

/** The value `encode` was given. */
export function decode(json: unknown): unknown {
  if (Array.isArray(json)) return json.map(decode);
  if (typeof json !== 'object' || json === null) return json;
  const o = json as Record<string, unknown>;
  if (typeof o.$number === 'string') return Number(o.$number);
  if (typeof o.$typed === 'string' && Object.hasOwn(TYPED, o.$typed)) return TYPED[o.$typed as keyof typeof TYPED].from(decode(o.values) as number[]);
  if (Array.isArray(o.$map)) return new Map((o.$map as [unknown, unknown][]).map(([k, v]) => [k, decode(v)]));
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, decode(v)]));
}

/** FNV-1a (32 bits) of a text with its length: a check against edits and drift, not a signature. */
export function hashText(text: string): string {
  let h = 0x811c9dc5;
  for (let k = 0; k < text.length; k++) { h ^= text.charCodeAt(k); h = Math.imul(h, 0x01000193) >>> 0; }
  return `${h.toString(16).padStart(8, '0')}-${text.length}`;
}

/** The hash of what a program's code depends on in a layout: offsets and sizes, never the data (typed arrays count by length). */
export function layoutHash(shape: { L: object; R: object; probes: unknown; kept: ReadonlyMap<string, number>; stateWords: number }): string {
  const text = JSON.stringify({ L: shape.L, R: shape.R, probes: shape.probes, kept: [...shape.kept], stateWords: shape.stateWords }, (key, value: unknown) => {
    if (key === 'plan' || key === 'synapses') return undefined;  // the plan's own objects, and host-built synapses (data)
    if (ArrayBuffer.isView(value)) return (value as unknown as ArrayLike<number>).length;
    return value;
  });
  return hashText(text);
}

/** The hash of a program's fields the loader trusts (everything but the hashes). */
export function integrityOf(p: Omit<GpuProgram, 'integrity'>): string {
  return hashText(JSON.stringify([p.format, p.formatVersion, p.library, p.network, p.models, p.stepsPerSubmit, p.spikeCapacity, p.footprint, p.code, p.layout]));
}
