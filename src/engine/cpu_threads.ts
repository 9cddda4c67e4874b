// Worker threads for the CPU backend (option threads > 1): each step, the noise draws into I and
// every population's generated step are split by element ranges over the main thread (part 0) and
// the workers (parts 1…). The arrays live in SharedArrayBuffers; a shared control Int32Array and
// Atomics.wait/notify start and end each phase (no message and no allocation per step). Workers run
// the same functions as the main thread, rebuilt from their source (Function.prototype.toString):
// the generated steps' bodies, JS_HELPERS, the Philox blocks (each thread instantiates its own
// philox.wat), the normal, addNoise and stepRange.
import { compileWith, jsHelpersSource } from '../equations/emit.js';
import { normalFromWords } from '../rng/philox.js';
import { PHILOX_WASM, type PhiloxBlocks, philoxBlocks } from '../rng/philox_blocks.js';
import { addNoise } from './cpu_inputs.js';
import { type PopulationStep, STEP_PARAMS, stepRange } from './cpu_neurons.js';
import { instantiateStep } from './cpu_wasm.js';
import { isNode, nodePlatform } from '../platform.js';

/** The most threads the option accepts (a guard against a typo spawning thousands of workers). */
export const MAX_THREADS = 256;

/** Jobs of one phase: bits. */
export const NOISE = 1, STEP = 2;

/** Slots of the control array: generation (bumped per phase), job (−1: exit), step, workers left, error flag. */
const CTL = { gen: 0, job: 1, t: 2, left: 3, error: 4 } as const;
/** Atomics.load polls before a thread blocks in Atomics.wait (a wake-up costs ~15 µs on the 2-core machine). */
const SPIN = 256;
/** How long a phase may make no progress before a worker counts as lost. */
const STALL_MS = 60_000;
/** Bytes kept of a worker's error message. */
const ERROR_BYTES = 2048;


/** One population as every thread sees it (shared memory, plus the step's generated body). */
export interface SharedPopulation {
  S: Float64Array[]; P: (Float64Array | null)[]; I: Float64Array; R: Int32Array | null; RS: Int32Array | null;
  /** σ of the noise into I per element, or null when the network has no noise. */
  sd: Float64Array | null;
  size: number; start: number;
  /** The step's source (cpu_neurons.ts StepSource): each thread compiles it, and instantiates the module if any. */
  body: string; wasm: Uint8Array<ArrayBuffer> | null;
}

/** What a thread needs: the shared arrays, its ranges and its own lists. Posted once to a worker. */
export interface ThreadData {
  pops: SharedPopulation[];
  n: number; purpose: number; k0: number; k1: number; f32: boolean; freeze: boolean;
  frozen: Uint8Array; philoxWasm: Uint8Array<ArrayBuffer>; ctl: Int32Array; errorText: Uint8Array; ctlSlots: typeof CTL; spin: number;
  /** Per population: this thread's elements lo .. hi − 1. */
  lo: Int32Array; hi: Int32Array;
  /** Per population: this thread's spikes (count, then elements); its failures ([count, population, element, …]). */
  out: Int32Array[]; failed: Int32Array;
}

/** ThreadData with the functions a thread runs (the main thread's own, or rebuilt from source in a worker). */
interface ThreadContext extends ThreadData {
  steps: PopulationStep[]; blocks: PhiloxBlocks; r: (x: number) => number;
  normal: typeof normalFromWords; addNoise: typeof addNoise; stepRange: typeof stepRange;
}

/** One phase of one thread over its ranges. Self-contained: workers run its source. */
function runPart(x: ThreadContext, job: number, t: number): void {
  const pops = x.pops;
  if ((job & 1) !== 0) {
    for (let q = 0; q < pops.length; q++) {
      const p = pops[q]!;
      if (p.sd) x.addNoise(p.I, p.sd, t, x.lo[q]!, x.hi[q]!, p.size, x.n, p.start, x.purpose, x.k0, x.k1, x.frozen, x.blocks, x.r, x.normal);
    }
  }
  if ((job & 2) !== 0) {
    x.failed[0] = 0;
    for (let q = 0; q < pops.length; q++) {
      const p = pops[q]!, out = x.out[q]!;
      out[0] = 0;
      x.stepRange(x.steps[q]!, p.S, p.P, p.I, p.R, p.RS, x.lo[q]!, x.hi[q]!, p.size, q, x.frozen, x.freeze, out, x.failed);
    }
  }
}

/** Node's parentPort in a worker (null in a browser's, which talks through its global scope). */
interface Port { once(e: 'message', f: (d: unknown) => void): void; postMessage(m: unknown): void }

/**
 * A worker's life: on its one message (ThreadData), compile the steps, say 'ready', then run
 * phases as the control array starts them until the job is −1. Self-contained: its source is the worker.
 */
function workerMain(port: Port | null, fns: Pick<ThreadContext, 'normal' | 'addNoise' | 'stepRange'> & { philoxBlocks: typeof philoxBlocks; instantiateStep: typeof instantiateStep }, helpers: Record<string, unknown>,
  compile: typeof compileWith, run: typeof runPart, params: readonly string[]): void {
  const g = globalThis as unknown as { postMessage(m: unknown): void; onmessage: ((e: { data: unknown }) => void) | null };
  const post = (m: unknown) => (port ? port.postMessage(m) : g.postMessage(m));
  const start = (data: unknown) => {
    const d = data as ThreadData, C = d.ctlSlots, ctl = d.ctl;
    let x: ThreadContext;
    try {
      const steps = d.pops.map((p) => compile<PopulationStep>(p.wasm ? { ...helpers, _X: fns.instantiateStep(p.wasm) } : helpers, params, p.body));
      x = { ...d, ...fns, steps, blocks: fns.philoxBlocks(d.philoxWasm), r: d.f32 ? Math.fround : (v: number) => v };
    } catch (e) {
      post({ error: String((e as Error)?.stack ?? e) });
      return;
    }
    post('ready');
    for (let gen = 0; ;) {
      for (let s = 0; Atomics.load(ctl, C.gen) === gen; s++) if (s > d.spin) Atomics.wait(ctl, C.gen, gen);
      gen = Atomics.load(ctl, C.gen);
      const job = Atomics.load(ctl, C.job);
      if (job < 0) return;
      try {
        run(x, job, Atomics.load(ctl, C.t) >>> 0);
      } catch (e) {
        if (Atomics.compareExchange(ctl, C.error, 0, 1) === 0) d.errorText.set(new TextEncoder().encode(String((e as Error)?.stack ?? e)).subarray(0, d.errorText.length));
      }
      if (Atomics.sub(ctl, C.left, 1) === 1) Atomics.notify(ctl, C.left);
    }
  };
  if (port) port.once('message', start);
  else g.onmessage = (e) => { g.onmessage = null; start(e.data); };
}

/** A worker's whole source: the functions it shares with the main thread, as their source text. */
export function workerSource(): string {
  const fns = `{ philoxBlocks: (${philoxBlocks.toString()}), instantiateStep: (${instantiateStep.toString()}), normal: (${normalFromWords.toString()}), addNoise: (${addNoise.toString()}), stepRange: (${stepRange.toString()}) }`;
  // Node's eval'd worker script has require (CommonJS); a browser's Blob worker has none.
  const port = `typeof require === 'function' ? require('node:worker_threads').parentPort : null`;
  return `'use strict';\n(${workerMain.toString()})(${port}, ${fns}, ${jsHelpersSource()}, (${compileWith.toString()}), (${runPart.toString()}), ${JSON.stringify(STEP_PARAMS)});\n`;
}

/** What `threads` asks for, checked: a whole number from 1 to MAX_THREADS, or 'auto' (every core). */
export async function resolveThreads(threads: unknown): Promise<number> {
  if (threads === undefined) return 1;
  const ok = threads === 'auto' || (typeof threads === 'number' && Number.isInteger(threads) && threads >= 1 && threads <= MAX_THREADS);
  if (!ok) throw new RangeError(`threads: a whole number from 1 to ${MAX_THREADS}, or 'auto' (every core), got ${typeof threads === 'string' ? `'${threads}'` : String(threads)}`);
  let n = threads as number;
  if (threads === 'auto') {
    n = isNode() ? await nodePlatform().cores() : (globalThis.navigator?.hardwareConcurrency ?? 1);
    n = Math.max(1, Math.min(MAX_THREADS, n));
  }
  // A browser shares memory with workers only when the page is cross-origin isolated (COOP + COEP headers):
  // 'auto' then means the one thread there is; a number asked for is refused, saying why.
  if (n > 1 && !isNode() && !(globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated) {
    if (threads === 'auto') return 1;
    throw new RangeError(`threads: ${String(threads)} needs SharedArrayBuffer, which this page lacks: serve it cross-origin isolated (headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp), or use threads: 1`);
  }
  return n;
}

/** Shared memory of n elements (SharedArrayBuffer), for arrays every thread reads or writes. */
export const sharedF64 = (n: number) => new Float64Array(new SharedArrayBuffer(8 * n));
export const sharedI32 = (n: number) => new Int32Array(new SharedArrayBuffer(4 * n));

/**
 * Each thread's elements of a population of `copies` × `size` elements: in ranges of whole copies
 * when a copy may freeze (a failure then stays inside one thread, as in one), else in near-equal
 * ranges whose starts are multiples of 8 elements (no two threads write one cache line).
 */
export function splitRanges(copies: number, size: number, threads: number, byCopy: boolean): [number, number][] {
  const N = copies * size;
  if (byCopy) return Array.from({ length: threads }, (_, j) => [Math.floor((j * copies) / threads) * size, Math.floor(((j + 1) * copies) / threads) * size]);
  const chunk = Math.ceil(N / threads / 8) * 8;
  return Array.from({ length: threads }, (_, j) => [Math.min(N, j * chunk), Math.min(N, (j + 1) * chunk)]);
}

interface WorkerHandle { terminate(): unknown; unref?(): void }

export class ThreadPool {
  private readonly ctl: Int32Array;
  private readonly errorText: Uint8Array;
  private readonly parts: ThreadData[];
  private readonly main: ThreadContext;
  private ended = false;
  /** Resolves when every worker has exited (after destroy). */
  readonly exited: Promise<void>;

  private constructor(parts: ThreadData[], private readonly workers: WorkerHandle[], exited: Promise<void>, steps: PopulationStep[]) {
    this.parts = parts;
    this.ctl = parts[0]!.ctl;
    this.errorText = parts[0]!.errorText;
    this.exited = exited;
    const r = parts[0]!.f32 ? Math.fround : (v: number) => v;
    this.main = { ...parts[0]!, steps, blocks: philoxBlocks(PHILOX_WASM), r, normal: normalFromWords, addNoise, stepRange };
  }

  /** Threads in all (the main thread and the workers). */
  get threads(): number { return this.parts.length; }

  /**
   * Starts `threads` − 1 workers over `pops`; each thread's ranges come from splitRanges.
   * `steps` are the main thread's compiled steps (the workers compile the same bodies).
   */
  static async start(o: Omit<ThreadData, 'lo' | 'hi' | 'out' | 'failed' | 'ctl' | 'errorText' | 'ctlSlots' | 'spin' | 'philoxWasm'> & { copies: number; threads: number; steps: PopulationStep[] }): Promise<ThreadPool> {
    const ctl = sharedI32(8), errorText = new Uint8Array(new SharedArrayBuffer(ERROR_BYTES));
    const ranges = o.pops.map((p) => splitRanges(o.copies, p.size, o.threads, o.freeze));
    const P = o.pops.length;
    const parts: ThreadData[] = Array.from({ length: o.threads }, (_, j) => ({
      pops: o.pops, n: o.n, purpose: o.purpose, k0: o.k0, k1: o.k1, f32: o.f32, freeze: o.freeze, frozen: o.frozen, philoxWasm: PHILOX_WASM,
      ctl, errorText, ctlSlots: CTL, spin: SPIN,
      lo: Int32Array.from(ranges, (r) => r[j]![0]), hi: Int32Array.from(ranges, (r) => r[j]![1]),
      out: ranges.map((r) => sharedI32(r[j]![1] - r[j]![0] + 1)),
      // At most one failure per population and copy of the range (freeze), or per population (stop).
      failed: sharedI32(1 + 2 * P * (o.copies + 1)),
    }));
    const code = workerSource();
    const workers: WorkerHandle[] = [];
    const ready: Promise<void>[] = [], exits: Promise<void>[] = [];
    let cleanup = () => {};  // the browser's Blob URL, revoked once the workers have loaded it
    try {
      if (isNode()) {
        const platform = nodePlatform();
        for (let j = 1; j < o.threads; j++) {
          const w = await platform.worker(code);
          workers.push(w);
          exits.push(new Promise((resolve) => w.once('exit', () => resolve())));
          // Failures inside a phase come back through the control array; this keeps a late one from crashing the process.
          w.on('error', () => {});
          ready.push(new Promise((resolve, reject) => {
            w.once('error', reject);
            w.once('exit', (code: number) => reject(new Error(`a CPU worker thread exited (code ${code}) before it started`)));
            w.once('message', (m: unknown) => (m === 'ready' ? resolve() : reject(new Error(`a CPU worker thread failed to start: ${(m as { error: string }).error}`))));
          }));
          w.postMessage(parts[j]);
        }
      } else {
        const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
        cleanup = () => URL.revokeObjectURL(url);
        for (let j = 1; j < o.threads; j++) {
          const w = new Worker(url);
          workers.push(w);
          exits.push(Promise.resolve());
          ready.push(new Promise((resolve, reject) => {
            w.onerror = (e) => reject(new Error(`a CPU worker thread failed: ${e.message}`));
            w.onmessage = (e) => (e.data === 'ready' ? resolve() : reject(new Error(`a CPU worker thread failed to start: ${(e.data as { error: string }).error}`)));
          }));
          w.postMessage(parts[j]);
        }
      }
      await Promise.all(ready);
    } catch (e) {
      for (const w of workers) void w.terminate();
      throw e;
    } finally {
      cleanup();
    }
    // Workers never hold Node's event loop open: a process ends even if destroy() is forgotten.
    for (const w of workers) w.unref?.();
    return new ThreadPool(parts, workers, Promise.all(exits).then(() => undefined), o.steps);
  }

  /** Runs one phase (NOISE, STEP or both) of step t on every thread, the main thread's part included. */
  run(job: number, t: number): void {
    if (this.ended) throw new Error('this simulation was destroyed');
    const ctl = this.ctl;
    Atomics.store(ctl, CTL.job, job);
    Atomics.store(ctl, CTL.t, t | 0);
    Atomics.store(ctl, CTL.left, this.workers.length);
    Atomics.add(ctl, CTL.gen, 1);
    Atomics.notify(ctl, CTL.gen);
    let failure: unknown = null;
    try { runPart(this.main, job, t); } catch (e) { failure = e; }
    // A browser's main thread may not block (Atomics.wait throws there): it polls.
    // A worker that died mid-phase never answers (its exit event cannot run while this thread waits): give up after STALL_MS without progress.
    let seen = -1, since = 0;
    for (let s = 0, left = Atomics.load(ctl, CTL.left); left !== 0; s++, left = Atomics.load(ctl, CTL.left)) {
      if (left !== seen) { seen = left; since = performance.now(); } else if (s % 1024 === 0 && performance.now() - since > STALL_MS) {
        throw new Error(`a CPU worker thread stopped answering in step ${t} (${left} of ${this.workers.length} had not finished after ${STALL_MS / 1000} s)`);
      }
      if (isNode() && s > SPIN) Atomics.wait(ctl, CTL.left, left, 1000);
    }
    if (failure) throw failure;
    if (Atomics.load(ctl, CTL.error) !== 0) {
      const text = new TextDecoder().decode(this.errorText.slice()).replace(/\0+$/, '');
      Atomics.store(ctl, CTL.error, 0);  // reported once: a later phase starts clean
      throw new Error(`a CPU worker thread failed in step ${t}: ${text}`);
    }
  }

  /** Whether the last STEP phase met a non-finite state anywhere. */
  failed(): boolean {
    for (const part of this.parts) if (part.failed[0] !== 0) return true;
    return false;
  }

  /** Population q's non-finite elements of the last STEP phase, in element order, to `onFailure` (which may throw). */
  failures(q: number, onFailure: (element: number) => void): void {
    for (const part of this.parts) {
      const f = part.failed;
      for (let k = 0; k < f[0]!; k++) if (f[1 + 2 * k] === q) onFailure(f[2 + 2 * k]!);
    }
  }

  /** Population q's spikes of the last STEP phase, every part's in element order, into `out` (count, then elements). */
  collect(q: number, out: Int32Array): void {
    let n = 0;
    for (const part of this.parts) {
      const o = part.out[q]!, m = o[0]!;
      for (let k = 1; k <= m; k++) out[++n] = o[k]!;
    }
    out[0] = n;
  }

  /** Ends the workers (idempotent): they leave their loop, then are terminated. */
  destroy(): void {
    if (this.ended) return;
    this.ended = true;
    Atomics.store(this.ctl, CTL.job, -1);
    Atomics.add(this.ctl, CTL.gen, 1);
    Atomics.notify(this.ctl, CTL.gen);
    for (const w of this.workers) void w.terminate();
  }
}
