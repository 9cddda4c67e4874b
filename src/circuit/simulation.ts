// Running a circuit: one API over both backends. Recordings are assembled from the backends'
// chunks; analysis and pictures read these results, never the simulator's internals.
import { NetworkValidationError, formatBytes } from '../network/validate';
import { MAX_TRACE_BYTES } from '../recording';
import { NonFiniteStateError } from '../backends/backend';
import type { CircuitBackend, CircuitChunk, CopyFailure } from './backend';
import { CpuCircuitBackend } from './cpu';
import type { CircuitDescription, NeuronRef } from './description';
import { type CircuitGpuOptions, GpuCircuitBackend } from './gpu';
import { type CircuitPlan, compileCircuit } from './plan';
import { neuronIndex } from './validate';

export interface CircuitOptions extends CircuitGpuOptions {
  backend?: 'gpu' | 'cpu';
}

export interface CircuitSpikes {
  /** Step of each spike (the step at whose end the crossing was seen), ascending. */
  steps: Int32Array;
  copies: Int32Array;
  neurons: Int32Array;
}

export interface TraceRef {
  neuron?: NeuronRef;
  synapse?: number;
  variable: string;
  copy?: number;
}


export class CircuitSimulation {
  private stepsDone = 0;
  private readonly sampleChunks: Float64Array[] = [];
  private samples = 0;
  private readonly spikeChunks: Uint32Array[] = [];
  /** The sorted spike list, built on first use after a run. */
  private sorted: CircuitSpikes | null = null;
  private wallMs = 0;
  private readonly failed = new Map<number, CopyFailure>();

  constructor(readonly description: CircuitDescription, readonly plan: CircuitPlan, readonly backend: CircuitBackend) {}

  get step(): number { return this.stepsDone; }
  get time(): number { return this.stepsDone * this.plan.dt; }

  /** Advances `steps` steps, or `duration` ms (rounded to whole steps). */
  async run(options: { steps?: number; duration?: number; onProgress?: (done: number, total: number) => void }): Promise<void> {
    const steps = options.steps ?? Math.round((options.duration ?? NaN) / this.plan.dt);
    if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`run needs a whole number of steps or a duration in ms, got ${options.steps ?? options.duration}`);
    const P = this.plan.probes.length;
    const bytes = 8 * P * ((this.stepsDone + steps) / this.plan.every);
    if (bytes > MAX_TRACE_BYTES) {
      throw new NetworkValidationError([{ path: 'record.traces', message: `${P} traces over ${this.stepsDone + steps} steps need ${formatBytes(bytes)} of host memory, over ${formatBytes(MAX_TRACE_BYTES)}: record fewer copies or variables, or raise record.every` }]);
    }
    const t0 = performance.now();
    let done = 0;
    try {
      await this.backend.advance(steps, (chunk: CircuitChunk) => {
        this.sampleChunks.push(Float64Array.from(chunk.traces));
        this.samples += chunk.samples;
        if (chunk.spikes.length > 0) { this.spikeChunks.push(chunk.spikes); this.sorted = null; }
        for (const f of chunk.failures) if (!this.failed.has(f.copy)) this.failed.set(f.copy, f);
        done += chunk.steps;
        this.stepsDone += chunk.steps;  // a run that fails keeps the chunks it delivered, and counts them
        options.onProgress?.(done, steps);
      });
    } finally {
      this.wallMs += performance.now() - t0;
    }
  }

  /** Copies frozen after a non-finite state (batch.nonFinite = 'freeze-copy'), by copy. */
  get failures(): CopyFailure[] {
    return [...this.failed.values()].sort((a, b) => a.copy - b.copy);
  }

  /** Throws for a copy that was frozen: its recordings end in a divergence, not a result. */
  private checkCopy(copy: number): void {
    const f = this.failed.get(copy);
    if (f) throw new NonFiniteStateError(f.neuron, f.step, this.plan.dt, f.copy);
  }

  /** Times (ms) of the trace samples: sample k is the state at the end of step (k + 1) · every − 1. */
  times(): Float64Array {
    const every = this.plan.every, dt = this.plan.dt;
    return Float64Array.from({ length: this.samples }, (_, k) => (k + 1) * every * dt);
  }

  /** The recorded time series of a neuron's variable (or 'I') or a synapse's current or state. */
  trace(ref: TraceRef): Float64Array {
    const copy = ref.copy ?? 0;
    this.checkCopy(copy);
    const label = ref.neuron !== undefined
      ? `neurons[${neuronIndex(this.description.neurons, ref.neuron)}].${ref.variable}`
      : `synapses[${ref.synapse}].${ref.variable}`;
    const q = this.plan.probes.findIndex((p) => p.label === label && p.copy === copy);
    if (q < 0) {
      const have = [...new Set(this.plan.probes.map((p) => p.label))].join(', ') || 'none';
      throw new RangeError(`${label} of copy ${copy} is not recorded (record.traces); recorded: ${have}`);
    }
    const P = this.plan.probes.length;
    const out = new Float64Array(this.samples);
    let k = 0;
    for (const c of this.sampleChunks) for (let s = 0; s < c.length / P; s++) out[k++] = c[s * P + q]!;
    return out;
  }

  /** Every spike, sorted by step, copy and neuron. */
  get spikes(): CircuitSpikes {
    if (this.sorted) return this.sorted;
    const n = this.plan.n;
    const all: number[][] = [];
    for (const c of this.spikeChunks) for (let e = 0; e < c.length; e += 2) all.push([c[e]!, c[e + 1]!]);
    all.sort((x, y) => x[0]! - y[0]! || x[1]! - y[1]!);
    this.sorted = {
      steps: Int32Array.from(all, (e) => e[0]!),
      copies: Int32Array.from(all, (e) => Math.floor(e[1]! / n)),
      neurons: Int32Array.from(all, (e) => e[1]! % n),
    };
    return this.sorted;
  }

  /** Spike times (ms) of one neuron of one copy. */
  spikeTimes(neuron: NeuronRef, copy = 0): Float64Array {
    const i = neuronIndex(this.description.neurons, neuron);
    if (i < 0) throw new RangeError(`no neuron ${neuron}`);
    this.checkCopy(copy);
    const s = this.spikes, out: number[] = [];
    for (let k = 0; k < s.steps.length; k++) if (s.neurons[k] === i && s.copies[k] === copy) out.push((s.steps[k]! + 1) * this.plan.dt);
    return Float64Array.from(out);
  }

  /** State of every neuron: [(copy · n + neuron) · 4 + variable]. */
  readState(): Promise<Float32Array | Float64Array> {
    return this.backend.readState();
  }

  summary() {
    return {
      circuit: this.plan.name, backend: this.backend.kind, adapter: this.backend.adapter, integrator: this.plan.integrator,
      dt: this.plan.dt, steps: this.stepsDone, durationMs: this.time, copies: this.plan.copies, neurons: this.plan.n,
      synapses: this.plan.m, spikes: this.spikeChunks.reduce((a, c) => a + c.length / 2, 0), wallSeconds: this.wallMs / 1000,
      failures: this.failures,
    };
  }

  destroy(): void {
    this.backend.destroy();
  }
}

/** Validates and compiles a circuit, then opens the backend (the GPU unless told otherwise). */
export async function createCircuit(desc: CircuitDescription, options: CircuitOptions = {}): Promise<CircuitSimulation> {
  const plan = compileCircuit(desc);
  const backend = options.backend === 'cpu' ? new CpuCircuitBackend(plan) : await GpuCircuitBackend.create(plan, options);
  return new CircuitSimulation(desc, plan, backend);
}

/** Creates, runs for `duration` ms, and returns the simulation (destroy it when done). */
export async function simulateCircuit(desc: CircuitDescription, duration: number, options: CircuitOptions = {}): Promise<CircuitSimulation> {
  const sim = await createCircuit(desc, options);
  try {
    await sim.run({ duration });
  } catch (e) {
    sim.destroy();
    throw e;
  }
  return sim;
}
