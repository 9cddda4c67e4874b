// The library's front door: a description becomes a running simulation on the GPU or the CPU
// reference; the only difference for the caller is `backend`.
import type { Backend, SpikeTap } from './backends/backend';
import { maskWords } from './backends/backend';
import { CpuBackend } from './backends/cpu';
import { GpuBackend, type GpuBackendOptions } from './backends/gpu';
import type { NetworkDescription } from './network/description';
import { compilePlan, neuronCount, type Plan } from './network/plan';
import { assertValidNetwork, checkDenseFits } from './network/validate';
import { Recorder, type SpikeList, type TraceVariable } from './recording';
import { meanRateHz } from './analysis/rates';

export interface SimulationOptions extends GpuBackendOptions {
  backend?: 'gpu' | 'cpu';
  /** Arithmetic of the CPU reference: f64 (default) or f32 emulated with Math.fround. */
  precision?: 'f64' | 'f32';
}

export interface RunOptions {
  /** Simulated time to add, in ms (rounded to whole steps). */
  duration?: number;
  /** Steps to add (instead of duration). */
  steps?: number;
  /** Called after each chunk with the steps done so far in this run and the run's total. */
  onProgress?: (done: number, total: number) => void;
}

export interface RunSummary {
  neurons: number;
  steps: number;
  dt: number;
  spikes: number;
  meanRateHz: number;
  wallSeconds: number;
  backend: 'gpu' | 'cpu';
  adapter: string;
}

export class Simulation {
  private readonly recorder: Recorder;
  private stepCount = 0;
  private wall = 0;

  constructor(readonly plan: Plan, private readonly backend: Backend) {
    this.recorder = new Recorder(maskWords(plan.n), plan.traced);
  }

  get backendKind(): 'gpu' | 'cpu' { return this.backend.kind; }
  get adapter(): string { return this.backend.adapter; }
  /** Steps simulated so far. */
  get steps(): number { return this.stepCount; }
  /** Simulated time so far, ms. */
  get time(): number { return this.stepCount * this.plan.dt; }

  /** Advances the simulation; can be called again to continue where it stopped. */
  async run(options: RunOptions): Promise<void> {
    const steps = options.steps ?? Math.round((options.duration ?? 0) / this.plan.dt);
    if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`steps must be a non-negative integer, got ${steps}`);
    if (this.stepCount + steps > 0xffffffff) throw new RangeError('the step counter is 32-bit: at most 2^32 − 1 steps in one simulation');
    const t0 = performance.now();
    let done = 0;
    await this.backend.advance(steps, (chunk) => {
      this.recorder.add(chunk);
      done += chunk.steps;
      this.stepCount += chunk.steps;
      options.onProgress?.(done, steps);
    });
    this.wall += (performance.now() - t0) / 1000;
  }

  get spikes(): SpikeList { return this.recorder.spikes; }

  /** The GPU device this simulation runs on (null on the CPU reference). */
  get device(): GPUDevice | null { return this.backend.device ?? null; }

  /**
   * Lets `tap` copy every later chunk's spike masks on the GPU (e.g. a GpuSpikeRaster); returns
   * the function that detaches it. GPU backend only: the CPU reference has no spike buffers.
   */
  addSpikeTap(tap: SpikeTap): () => void {
    if (!this.backend.addSpikeTap) throw new Error('addSpikeTap: spike taps read the GPU spike buffers; this simulation runs on the CPU reference (use sim.spikes)');
    return this.backend.addSpikeTap(tap);
  }

  trace(neuron: number, variable: TraceVariable): Float64Array { return this.recorder.trace(neuron, variable); }

  /** Current v and u of every neuron (one readback). */
  readState() { return this.backend.readState(); }

  summary(): RunSummary {
    const spikes = this.recorder.spikes;
    return {
      neurons: this.plan.n,
      steps: this.stepCount,
      dt: this.plan.dt,
      spikes: spikes.step.length,
      meanRateHz: meanRateHz(spikes, this.plan.n, this.stepCount, this.plan.dt),
      wallSeconds: this.wall,
      backend: this.backend.kind,
      adapter: this.backend.adapter,
    };
  }

  /** Frees every GPU resource this simulation made (a caller's device stays); idempotent. */
  destroy(): void { this.backend.destroy(); }
}

/** Validates, compiles and sets up a simulation. Bad input throws before any GPU allocation. */
export async function createSimulation(desc: NetworkDescription, options: SimulationOptions = {}): Promise<Simulation> {
  assertValidNetwork(desc);
  const backend = options.backend ?? 'gpu';
  if (backend === 'cpu') {
    if (desc.connectivity) checkDenseFits(neuronCount(desc), CPU_MAX_WEIGHT_BYTES, `the CPU reference holds at most ${CPU_MAX_WEIGHT_BYTES / 2 ** 30} GiB`);
    const plan = compilePlan(desc);
    return new Simulation(plan, new CpuBackend(plan, { precision: options.precision, stepsPerChunk: options.stepsPerSubmit }));
  }
  if (backend !== 'gpu') throw new RangeError(`backend must be 'gpu' or 'cpu', got ${String(backend)}`);
  const gpu = await GpuBackend.create(desc, options);
  return new Simulation(gpu.plan, gpu);
}

/** The CPU reference holds the dense S in one Float32Array of at most this many bytes. */
export const CPU_MAX_WEIGHT_BYTES = 4 * 2 ** 30;

/** One-shot helper: simulate `duration` ms and return the simulation (destroy it when done). */
export async function simulate(desc: NetworkDescription, options: SimulationOptions & RunOptions): Promise<Simulation> {
  const sim = await createSimulation(desc, options);
  try {
    await sim.run(options);
  } catch (e) {
    sim.destroy();
    throw e;
  }
  return sim;
}
