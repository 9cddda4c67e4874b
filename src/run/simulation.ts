// The one simulation API over a network description (docs/network.md): create, run for a
// duration or a number of steps (with progress and abort), then read spikes, rates, probe traces
// and state in one shape whatever the backend. Spike times follow one rule: a spike detected in
// step s is at s·dt (docs/conventions.md#spike-times).
import { NonFiniteStateError, RunGuard } from './guard.js';
import { checkGpuOptions } from '../gpu/chunks.js';
import { formatBytes } from '../compile/memory.js';
import type { Plan } from '../compile/plan.js';
import { NetworkSpecError } from '../spec/errors.js';
// The backends are loaded when a simulation first needs one, so a page that runs only on the GPU
// (or only on the CPU) does not ship the other.
import type { CopyFailure, CpuEngine } from '../engine/cpu.js';
import type { GpuEngine, GpuEngineOptions, SpikeTap } from '../engine/gpu.js';
import type { ExternalInputRange, GpuBuffers } from '../engine/gpu_embedding.js';
import { MAX_STEP } from '../spec/value_kinds.js';
import { MAX_PROBE_BYTES, Recorder, type Spikes } from './recorder.js';

export interface SimulationOptions extends GpuEngineOptions {
  /** 'gpu' (WebGPU, f32) or 'cpu' (the reference; the default unless a device is given). */
  backend?: 'cpu' | 'gpu';
  /** The CPU reference in f64 (default), or rounding every operation to f32 as the GPU does. */
  precision?: 'f64' | 'f32';
  /**
   * CPU threads: 1 (default), a whole number up to 256, or 'auto' (every core). Above 1 the noise
   * draws and the neuron steps are shared with worker threads; results are bit-identical to 1.
   * In a browser it needs a cross-origin isolated page (SharedArrayBuffer).
   */
  threads?: number | 'auto';
}

/** The backend the options choose (a device given means the GPU), after refusing unknown values by name. */
export function checkOptions(o: SimulationOptions): 'cpu' | 'gpu' {
  const one = (name: string, value: unknown, allowed: readonly unknown[]) => {
    if (value !== undefined && !allowed.includes(value)) throw new RangeError(`${name} must be ${allowed.map((a) => `'${a}'`).join(' or ')}, got ${JSON.stringify(value)}`);
  };
  one('backend', o.backend, ['cpu', 'gpu']);
  one('precision', o.precision, ['f64', 'f32']);
  one('launch', o.launch, ['auto', 'one-workgroup', 'per-step']);
  one('adapter', o.adapter, ['auto', 'hardware', 'software', 'vulkan']);
  checkGpuOptions(o);  // before the footprint is sized with them
  return o.backend ?? (o.device ? 'gpu' : 'cpu');
}

/** What a backend does for a simulation. */
interface Engine {
  readonly step: number;
  /** Steps one call of advance should take between progress reports (the GPU: several chunks, so they overlap). */
  readonly slice: number;
  readonly failures: CopyFailure[];
  advance(steps: number, rec: Recorder): void | Promise<void>;
  readState(population: number, variable: number): Float64Array | Promise<Float64Array>;
  synapseCounts(): (number | null)[];
  maxInDegrees(): (number | null)[];
  destroy?(): void;
}

/** An external input's values: on the GPU a range of the state buffer (f32), on the CPU the array the steps read. */
export type ExternalInput = ({ backend: 'gpu'; buffer: GPUBuffer } & ExternalInputRange | { backend: 'cpu'; values: Float64Array; count: number; copies: number; perCopy: number }) & {
  /** Sets every value (copies × neurons of the target, [copy · size + neuron]); the next step adds them. */
  write(values: ArrayLike<number>): void;
};

export interface RunOptions {
  /** ms; rounded to whole steps. */
  duration?: number;
  steps?: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface RunSummary {
  steps: number;
  durationMs: number;
  wallSeconds: number;
  spikes: number;
  /** Mean rate per population over the whole run so far (all copies), Hz. */
  meanRateHz: Record<string, number>;
  failures: CopyFailure[];
}

export class Simulation {
  private readonly guard = new RunGuard();
  /** Runs in progress (encode() refuses to interleave with one), and the failure that ended a run. */
  private running = 0;
  /** Steps put into a host's encoder: not recorded on the host. */
  private encodedSteps = 0;
  private failure: unknown = null;

  /** @internal Made by createSimulation and loadProgram. */
  constructor(
    readonly plan: Plan, private readonly engine: Engine, private readonly recorder: Recorder, readonly backend: string,
    /** The engine again when it is the GPU backend (its own methods). */
    private readonly gpu: GpuEngine | null = null,
  ) {}

  /**
   * An external input (kind 'external', by its name or its index in `inputs`): its values, one per
   * element [copy · size + neuron], are added to every later step's input until written again.
   * On the GPU a range of the state buffer (write it with device.queue.writeBuffer, or write());
   * on the CPU the array itself. Write between runs or encoded steps, not during a run.
   */
  externalInput(input: string | number): ExternalInput {
    const inputs = this.plan.inputs, externals = inputs.filter((i) => i.spec.kind === 'external');
    const inp = typeof input === 'number' ? inputs[input] : externals.find((i) => (i.spec as { name?: string }).name === input);
    if (!inp || inp.spec.kind !== 'external') {
      const known = externals.map((i) => { const n = (i.spec as { name?: string }).name; return n === undefined ? `inputs[${i.index}]` : `'${n}' (inputs[${i.index}])`; }).join(', ') || 'none';
      throw new RangeError(`externalInput: no external input ${typeof input === 'number' ? `at inputs[${input}]` : `named '${input}'`}; the external inputs are ${known}`);
    }
    if (this.guard.destroyed) throw new Error('externalInput: this simulation was destroyed');
    const copies = this.plan.copies, perCopy = inp.target.size, count = copies * perCopy;
    const what = `externalInput(${JSON.stringify(input)}).write`;
    const checked = (values: ArrayLike<number>) => {
      if (this.guard.destroyed) throw new Error(`${what}: this simulation was destroyed`);
      // Both backends read the values mid-run at different moments (per slice, per submitted chunk): only between runs is it the same.
      if (this.running > 0) throw new Error(`${what}: a run() of this simulation is in progress; write between runs (or between encoded submits)`);
      if (values.length !== count) throw new RangeError(`${what}: ${count} values (${copies} copies × ${perCopy} neurons of ${inp.target.name}), got ${values.length}`);
      for (let k = 0; k < values.length; k++) if (!Number.isFinite(values[k])) throw new RangeError(`${what}: values[${k}] is ${values[k]}; inputs must be finite`);
      return values;
    };
    if (this.gpu) {
      const gpu = this.gpu, { state } = gpu.buffers, range = state.external.find((r) => r.input === inp.index)!;
      return { ...range, backend: 'gpu', buffer: state.buffer, write: (values) => gpu.writeState(range.byteOffset, Float32Array.from(checked(values))) };
    }
    const values = (this.engine as CpuEngine).externalInput(inp.index);
    return { backend: 'cpu', values, count, copies, perCopy, write: (v) => values.set(checked(v)) };
  }

  /** Steps done so far. */
  get step(): number { return this.engine.step; }
  get time(): number { return this.engine.step * this.plan.dt; }

  async run(options: RunOptions): Promise<RunSummary> {
    const steps = options.steps ?? Math.round((options.duration ?? NaN) / this.plan.dt);
    if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`run: give steps (a whole number ≥ 0) or a duration in ms, got ${options.steps ?? options.duration}`);
    if (this.step + steps > MAX_STEP) throw new RangeError(`run: ${this.step} + ${steps} steps pass ${MAX_STEP}, the most a run may count (32-bit step counters)`);
    const probeBytes = this.recorder.probeBytes(this.step + steps);
    if (probeBytes > MAX_PROBE_BYTES) {
      throw new NetworkSpecError([{ path: 'record.probes', message: `the probes would hold ${formatBytes(probeBytes)} of host memory after ${this.step + steps} steps, over ${formatBytes(MAX_PROBE_BYTES)}: probe fewer neurons, sample every k-th step (every), or run fewer steps` }]);
    }
    this.running++;
    return this.guard.run(async () => {
      const t0 = performance.now(), before = this.recorder.totals.reduce((a, b) => a + b, 0);
      for (let done = 0; done < steps;) {
        if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
        if (this.guard.destroyed) throw new Error('this simulation was destroyed during its run');
        const k = Math.min(this.engine.slice, steps - done);
        await this.engine.advance(k, this.recorder);
        done += k;
        options.onProgress?.(done, steps);
        if (done < steps) await new Promise((resolve) => setTimeout(resolve, 0));
      }
      return { ...this.summary(), wallSeconds: (performance.now() - t0) / 1000, spikes: this.recorder.totals.reduce((a, b) => a + b, 0) - before };
    }).catch((e: unknown) => { if (!this.guard.destroyed) this.failure ??= e; throw e; }).finally(() => { this.running--; });
  }

  /**
   * Puts `steps` steps into the host's `encoder` (docs/embedding.md): no submit, no readback. The
   * state then is as after run() of those steps; their spikes, rates and traces are not recorded.
   */
  encode(encoder: GPUCommandEncoder, steps: number): void {
    const gpu = this.embedded('encode');
    if (this.running > 0) throw new Error('encode: a run() of this simulation is in progress; encode once it has resolved');
    if (this.failure) throw this.failure;
    if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`encode: steps must be a whole number ≥ 0, got ${steps}`);
    if (this.step + steps > MAX_STEP) throw new RangeError(`encode: ${this.step} + ${steps} steps pass ${MAX_STEP}, the most a run may count (32-bit step counters)`);
    const record = this.plan.network.record;
    const series = [record?.rates ? 'record.rates' : '', record?.probes?.length ? 'record.probes' : '', record?.synapseProbes?.length ? 'record.synapseProbes' : ''].filter(Boolean);
    if (series.length > 0) throw new Error(`encode: encoded steps are not recorded, and ${series.join(', ')} would lose those steps from their series; leave them out to encode, or use run()`);
    gpu.encode(encoder, steps);
    this.encodedSteps += steps;
  }

  /** The GPU backend's buffers with their layouts, for reading without a copy (docs/embedding.md); throws on the CPU. */
  gpuBuffers(): GpuBuffers { return this.embedded('gpuBuffers').buffers; }

  /** The GPU engine for an embedding call, refused by name on the CPU or after destroy(). */
  private embedded(call: string): GpuEngine {
    if (!this.gpu) throw new Error(`${call}: only a GPU simulation has GPU buffers; this one runs on the ${this.backend} (backend: 'gpu')`);
    if (this.guard.destroyed) throw new Error(`${call}: this simulation was destroyed`);
    return this.gpu;
  }

  /** Every recorded spike (from step `fromStep` on), in step order. */
  spikes(fromStep = 0): Spikes { return this.recorder.spikes(fromStep); }

  /** Spike times (ms) of one neuron (global index) in one copy. */
  spikeTimes(neuron: number, copy = 0): Float64Array {
    const s = this.recorder.spikes(), out: number[] = [];
    for (let k = 0; k < s.step.length; k++) if (s.neuron[k] === neuron && s.copy[k] === copy) out.push(s.step[k]! * this.plan.dt);
    return Float64Array.from(out);
  }

  /** Spikes per step of population `name` (all copies when copy is omitted); needs record.rates. */
  rates(population: string, copy?: number, fromStep = 0): Uint32Array {
    const p = this.population(population), P = this.plan.populations.length, B = this.plan.copies;
    const counts = this.recorder.rateCounts(), steps = counts.length / (P * B), from = Math.min(Math.max(0, fromStep), steps);
    const out = new Uint32Array(steps - from);
    for (let s = from; s < steps; s++) {
      for (let b = 0; b < B; b++) if (copy === undefined || copy === b) out[s - from]! += counts[(s * B + b) * P + p.index]!;
    }
    return out;
  }

  /**
   * Samples of one probed neuron's variable, or of one probed synapse's: the probe's index (record.probes,
   * then record.synapseProbes), or what it names, from sample `fromSample` on. A copy that turned
   * non-finite throws NonFiniteStateError.
   */
  trace(probe: number | { population: string; variable: string; neuron: number; copy?: number } | { projection: string; variable: string; synapse: number; copy?: number }, fromSample = 0): Float64Array {
    const probes = this.recorder.probes;
    let q: number, j: number, copy: number;
    if (typeof probe === 'number') { q = probe; j = 0; copy = 0; } else if ('projection' in probe) {
      q = probes.findIndex((pr) => pr.projection !== undefined && pr.label === `${probe.projection}.${probe.variable}` && pr.neurons.includes(probe.synapse));
      if (q < 0) throw new RangeError(`trace: ${probe.projection}.${probe.variable} of synapse ${probe.synapse} is not probed (record.synapseProbes)`);
      j = probes[q]!.neurons.indexOf(probe.synapse);
      copy = probe.copy ?? 0;
    } else {
      const p = this.population(probe.population);
      q = probes.findIndex((pr) => pr.population === p.index && pr.label === `${probe.population}.${probe.variable}` && pr.neurons.includes(probe.neuron));
      if (q < 0) throw new RangeError(`trace: ${probe.population}.${probe.variable} of neuron ${probe.neuron} is not probed (record.probes)`);
      j = probes[q]!.neurons.indexOf(probe.neuron);
      copy = probe.copy ?? 0;
    }
    const pr = probes[q];
    if (!pr) throw new RangeError(`trace: no probe ${q}; record.probes and record.synapseProbes have ${probes.length}`);
    // A copy frozen by batch.nonFinite = 'freeze-copy' has no trace to read past its failure: refused, naming it.
    const failed = this.engine.failures.find((f) => f.copy === copy);
    if (failed) throw new NonFiniteStateError(this.population(failed.population).start + failed.neuron, failed.step, this.plan.dt, copy);
    const all = this.recorder.probe(q), width = this.plan.copies * pr.neurons.length, samples = all.length / width;
    const from = Math.min(Math.max(0, fromSample), samples), out = new Float64Array(samples - from);
    for (let k = 0; k < out.length; k++) out[k] = all[(from + k) * width + copy * pr.neurons.length + j]!;
    return out;
  }

  /** Sample times (ms) of a probe: after steps every − 1, 2·every − 1, …, so at (k + 1)·every·dt. */
  times(probe: number): Float64Array {
    const pr = this.recorder.probes[probe]!, n = this.recorder.probe(probe).length / (this.plan.copies * pr.neurons.length);
    return Float64Array.from({ length: n }, (_, k) => (k + 1) * pr.every * this.plan.dt);
  }

  /** One state variable of one population, [copy · size + neuron]. */
  async readState(population: string, variable: string): Promise<Float64Array> {
    const p = this.population(population), d = p.model.variables.indexOf(variable);
    if (d < 0) throw new RangeError(`readState: ${p.model.name} has no state variable '${variable}'; it has ${p.model.variables.join(', ')}`);
    return this.engine.readState(p.index, d);
  }

  summary(): RunSummary {
    // Rates over the steps whose spikes were recorded: encoded steps' spikes stay on the GPU.
    const seconds = (this.step - this.encodedSteps) * this.plan.dt / 1000;
    return {
      steps: this.step, durationMs: this.time, wallSeconds: 0, spikes: this.recorder.totals.reduce((a, b) => a + b, 0),
      meanRateHz: Object.fromEntries(this.plan.populations.map((p) => [p.name, seconds > 0 ? this.recorder.totals[p.index]! / (p.size * this.plan.copies * seconds) : 0])),
      failures: [...this.engine.failures],
    };
  }

  /** The GPU backend's costs per step from the plan (null on the CPU): see GpuEngine.costs. */
  costs(): ReturnType<GpuEngine['costs']> | null { return this.gpu ? this.gpu.costs() : null; }

  /** What the GPU backend has read back: chunks, bytes, and chunks whose spikes needed a second read (null on the CPU). */
  readbackStats(): GpuEngine['readbackStats'] | null { return this.gpu ? { ...this.gpu.readbackStats } : null; }

  /** The GPU backend's device (null on the CPU reference): a GpuSpikeRaster for this simulation is made on it. */
  get device(): GPUDevice | null { return this.gpu ? this.gpu.device : null; }

  /** Lets `tap` read every later chunk's spike pairs on the GPU as the chunk is encoded (a GpuSpikeRaster); returns its detach. */
  addSpikeTap(tap: SpikeTap): () => void {
    if (!this.gpu) throw new Error('addSpikeTap: spike taps read the GPU spike records; this simulation runs on the CPU reference (use sim.spikes())');
    return this.gpu.addSpikeTap(tap);
  }

  /** Synapses each projection holds, in the description's order (null: procedural rows on the GPU, drawn at each spike). */
  synapseCounts(): (number | null)[] { return this.engine.synapseCounts(); }

  /** The most synapses a target neuron receives from each projection (null for procedural rows). */
  maxInDegrees(): (number | null)[] { return this.engine.maxInDegrees(); }

  /** The GPU backend's launch shape (null on the CPU). */
  get launch(): 'one-workgroup' | 'per-step' | null { return this.gpu ? this.gpu.launch : null; }

  destroy(): void { if (this.guard.end()) this.engine.destroy?.(); }

  private population(name: string) {
    const p = this.plan.populations.find((q) => q.name === name);
    if (!p) throw new RangeError(`no population '${name}'; there are ${this.plan.populations.map((q) => q.name).join(', ')}`);
    return p;
  }
}
