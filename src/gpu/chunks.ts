// Plumbing every GPU backend shares: buffers created inside error scopes (so a failed setup
// frees what it made and says why), and the double-buffered chunk loop (chunk n + 1 runs on
// the GPU while chunk n's recordings are mapped and read).

export type MakeBuffer = (label: string, size: number, usage: number, data?: ArrayBufferView | ArrayBuffer) => GPUBuffer;

/**
 * Runs `allocate` with a labelled buffer factory inside validation and out-of-memory error
 * scopes. On any failure every buffer it made is destroyed and the error is thrown.
 */
export async function allocateScoped<T>(
  device: GPUDevice, allocate: (make: MakeBuffer, buffers: GPUBuffer[]) => Promise<T>,
): Promise<{ value: T; buffers: GPUBuffer[] }> {
  const buffers: GPUBuffer[] = [];
  const make: MakeBuffer = (label, size, usage, data) => {
    const b = device.createBuffer({ label: `spikegpu ${label}`, size: Math.ceil(Math.max(size, 16) / 4) * 4, usage, mappedAtCreation: !!data });
    if (data) {
      const src = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      new Uint8Array(b.getMappedRange()).set(src);
      b.unmap();
    }
    buffers.push(b);
    return b;
  };
  device.pushErrorScope('validation');
  device.pushErrorScope('out-of-memory');
  let value: T | undefined;
  let failure: unknown = null;
  try {
    value = await allocate(make, buffers);
  } catch (e) {
    failure = e;
  }
  const oom = await device.popErrorScope();
  const invalid = await device.popErrorScope();
  if (failure || oom || invalid) {
    for (const b of buffers) b.destroy();
    throw failure ?? new Error(`GPU setup failed: ${(oom ?? invalid)!.message}`);
  }
  return { value: value as T, buffers };
}

/** A 2-D grid of at least `groups` workgroups (at least one), each dimension at most `perDimension` (maxComputeWorkgroupsPerDimension). */
export function dispatchGrid(groups: number, perDimension: number): [number, number] {
  const x = Math.max(1, Math.min(groups, perDimension));
  return [x, Math.max(1, Math.ceil(groups / x))];
}

export interface ChunkLoop {
  /** Readback buffers, used in turn (two: one mapped while the other's chunk runs). */
  readback: readonly GPUBuffer[];
  /** Steps of the next chunk starting at `step` with `remaining` to go. */
  length(step: number, remaining: number): number;
  /** Encodes and submits steps [t0, t0 + m), ending with a copy of the recordings into `rb`. */
  submit(t0: number, m: number, rb: GPUBuffer): void;
  /** Reads a mapped `rb` holding steps [t0, t0 + m) and unmaps it. */
  collect(rb: GPUBuffer, t0: number, m: number): void | Promise<void>;
  /** Throws the first asynchronous GPU error seen (validation, device lost). */
  check(): void | Promise<void>;
}

/** Advances `steps` steps from `start` in chunks; returns the step reached. */
export async function runChunks(start: number, steps: number, loop: ChunkLoop): Promise<number> {
  type InFlight = { rb: GPUBuffer; t0: number; m: number; mapped: Promise<void> } | null;
  let step = start, remaining = steps, which = 0;
  let pending: InFlight = null;
  while (remaining > 0 || pending) {
    let next: InFlight = null;
    if (remaining > 0) {
      const m = loop.length(step, remaining);
      const rb = loop.readback[which]!;
      which = (which + 1) % loop.readback.length;
      loop.submit(step, m, rb);
      const mapped = rb.mapAsync(GPUMapMode.READ);
      // If an earlier chunk throws (a NaN, a GPU error), this map is never awaited and the
      // caller's destroy() aborts it: handled here, or the process dies of an unhandled rejection.
      mapped.catch(() => {});
      next = { rb, t0: step, m, mapped };
      step += m;
      remaining -= m;
    }
    if (pending) {
      await pending.mapped;
      await loop.check();
      await loop.collect(pending.rb, pending.t0, pending.m);
    }
    pending = next;
  }
  return step;
}

/** Frees what a GPU backend owns: stops its error watch, destroys its buffers, then its device (a caller's device stays). */
export function releaseGpu(watch: GpuErrorWatch, buffers: readonly GPUBuffer[], gpu: { destroy(): void }): void {
  watch.detach();
  for (const b of buffers) b.destroy();
  gpu.destroy();
}

/**
 * Remembers the first GPU error of the work it scoped, or a lost device, so the chunk loop can
 * throw it. Error scopes of its own, never a device-wide listener: an embedder's errors never
 * reach a simulation, and a simulation's never reach the embedder (docs/platform.md).
 */
export class GpuErrorWatch {
  error: Error | null = null;
  private detached = false;
  private pending: Promise<void>[] = [];
  constructor(private readonly device: GPUDevice) {
    // Through a weak reference: the device's lost promise does not keep a destroyed simulation alive.
    const ref = new WeakRef(this);
    device.lost.then((info) => {
      const watch = ref.deref();
      if (watch && !watch.detached) watch.error ??= new Error(`GPU device lost (${info.reason}): ${info.message}`);
    });
  }
  /** Runs the synchronous GPU calls of `f` (encoding, submitting) inside validation, out-of-memory and internal error scopes. */
  scoped<T>(f: () => T): T {
    const filters: GPUErrorFilter[] = ['validation', 'out-of-memory', 'internal'];
    for (const filter of filters) this.device.pushErrorScope(filter);
    try {
      return f();
    } finally {
      for (let k = 0; k < filters.length; k++) {
        this.pending.push(this.device.popErrorScope().then((e) => { if (e) this.error ??= new Error(`GPU error: ${e.message}`); }, () => {}));
      }
    }
  }
  /** Throws the first error of the scoped work so far (once its scopes have resolved). */
  async check(): Promise<void> {
    const pending = this.pending;
    this.pending = [];
    await Promise.all(pending);
    if (this.error) throw this.error;
  }
  /**
   * What a failed GPU call means: a lost device answers a pending map with a bare AbortError, so
   * when the device is lost (or is within a moment) the loss is named instead.
   */
  async explain(failure: unknown): Promise<unknown> {
    const lost = await Promise.race([this.device.lost, new Promise<null>((resolve) => setTimeout(() => resolve(null), 50))]);
    return lost ? new Error(`GPU device lost (${lost.reason}): ${lost.message || 'no message'}; this simulation cannot go on`, { cause: failure }) : failure;
  }
  detach(): void {
    this.detached = true;
  }
}

/** Throws a RangeError naming the first option that is not an integer in [1, max]. */
function checkCountOptions(options: Record<string, number | undefined>, max: number): void {
  for (const [name, value] of Object.entries(options)) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1 || value > max)) {
      throw new RangeError(`${name} must be an integer in [1, ${max}], got ${value}`);
    }
  }
}

/** stepsPerSubmit sizes a step table of 256 bytes a step (uniform buffer and host copy): 10⁵ steps are 25.6 MB. */
export const MAX_STEPS_PER_SUBMIT = 100_000;

/** Refuses, by name, GPU option values the engine cannot take (before anything is sized or allocated). */
export function checkGpuOptions(o: { stepsPerSubmit?: number; stepsPerDispatch?: number; spikeCapacity?: number; maxStoreSynapses?: number; memoryLimit?: number }): void {
  checkCountOptions({ stepsPerSubmit: o.stepsPerSubmit }, MAX_STEPS_PER_SUBMIT);
  checkCountOptions({ stepsPerDispatch: o.stepsPerDispatch, spikeCapacity: o.spikeCapacity }, 1 << 26);
  checkCountOptions({ maxStoreSynapses: o.maxStoreSynapses }, 2 ** 30);
  const m = o.memoryLimit;
  if (m !== undefined && !(typeof m === 'number' && m > 0 && Number.isFinite(m))) throw new RangeError(`memoryLimit must be a number of bytes > 0, got ${JSON.stringify(m)}`);
}

/**
 * A uniform buffer's contents for dynamic offsets: entry q, at byte q · align, holds value(q)
 * (each dispatch of a chunk binds its own entry to learn where its steps start).
 */
export function offsetTable(count: number, align: number, value: (q: number) => number): Uint32Array {
  const table = new Uint32Array((count * align) / 4);
  for (let q = 0; q < count; q++) table[(q * align) / 4] = value(q);
  return table;
}

/** The error for a chunk whose `done` step counter fell short: a driver cut a dispatch short. */
export function cutShortError(done: number, expected: number, t0: number, m: number, remedy: string): Error {
  return new Error(`the GPU completed ${done} of ${expected} step·workgroups of steps ${t0}..${t0 + m}: ` +
    `the driver cut a dispatch short (llvmpipe limits loop iterations; desktop drivers time out long dispatches). ${remedy}`);
}

/** Copies `size` bytes of a storage buffer, from byte `offset`, into a fresh staging buffer and returns them. */
export async function readBuffer(device: GPUDevice, src: GPUBuffer, size: number, label: string, offset = 0): Promise<ArrayBuffer> {
  const staging = device.createBuffer({ label, size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const enc = device.createCommandEncoder();
  enc.copyBufferToBuffer(src, offset, staging, 0, size);
  device.queue.submit([enc.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const out = staging.getMappedRange().slice(0);
  staging.destroy();
  return out;
}

const NEURON_KEY = 2 ** 26;
/** (step, neuron) pairs in the order the GPU appended them → sorted by step, then neuron. */
export function sortSpikePairs(pairs: Uint32Array): { spikeSteps: Int32Array; spikeNeurons: Int32Array } {
  const n = pairs.length / 2;
  const keys = new Float64Array(n);
  // Neurons < 2²⁶ (MAX_NEURONS) and steps < 2²⁷: the key is an exact integer below 2⁵³.
  for (let k = 0; k < n; k++) keys[k] = pairs[2 * k]! * NEURON_KEY + pairs[2 * k + 1]!;
  keys.sort();
  const spikeSteps = new Int32Array(n), spikeNeurons = new Int32Array(n);
  for (let k = 0; k < n; k++) { spikeSteps[k] = Math.floor(keys[k]! / NEURON_KEY); spikeNeurons[k] = keys[k]! % NEURON_KEY; }
  return { spikeSteps, spikeNeurons };
}
