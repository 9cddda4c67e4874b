// The CPU reference for circuits, in f64: executes a compiled plan with the same loops and the
// same order of additions as shaders/circuit.wgsl (synapses, then per neuron its synaptic
// currents in synapse order and its stimuli, then the integrator and spike detection).
import { NonFiniteStateError, RunGuard } from '../backends/backend';
import { type CircuitStep, MAX_STATE, PARAM_SLOTS, RELEASE_MODEL, circuitStepJs } from './models';
import { Purpose, normalFromWords, philox4x32, seedKey } from '../rng/philox';
import type { CircuitBackend, CircuitChunk, CopyFailure } from './backend';
import { samplesIn } from './backend';
import { type CircuitPlan, PROBE_KIND, STIM_KIND, STIM_WORDS, SYN_KIND, SYN_SLOTS, SYN_STATE } from './plan';

export class CpuCircuitBackend implements CircuitBackend {
  readonly kind = 'cpu';
  readonly adapter = 'CPU (f64)';
  private readonly state: Float64Array;
  private readonly syn: Float64Array;   // per synapse: r, release time, releasing, last V_pre, i1, i2, 0, 0
  private readonly inp: Float64Array;
  /** Each neuron's generated step under the circuit's integrator, and the diffusion synapse's release. */
  private readonly steps: CircuitStep[];
  private readonly releaseStep: CircuitStep;
  private readonly x = new Float64Array(MAX_STATE);
  private readonly p = new Float64Array(PARAM_SLOTS);
  private readonly r = new Float64Array(1);
  private readonly rp = new Float64Array(3);
  private readonly words = new Uint32Array(4);
  private readonly key: [number, number];
  private step = 0;
  private readonly guard = new RunGuard();
  /** First non-finite (step, neuron) of each frozen copy (plan.freeze). */
  private readonly failed = new Map<number, CopyFailure>();

  constructor(readonly plan: CircuitPlan, readonly stepsPerChunk = 1000) {
    this.state = plan.state0.slice();
    this.syn = plan.syn0.slice();
    this.inp = new Float64Array(plan.copies * plan.n);
    const byModel = new Map(plan.kinds.map((m) => [m, circuitStepJs(m, plan.integrator)]));
    this.steps = plan.models.map((m) => byModel.get(m)!);
    this.releaseStep = circuitStepJs(RELEASE_MODEL, plan.integrator);
    this.key = seedKey(plan.seed);
  }

  private stepSynapse(copy: number, j: number): void {
    const P = this.plan, syn = this.syn;
    const gs = copy * P.m + j, o = SYN_STATE * gs, sp = SYN_SLOTS * P.synPset[gs]!;
    const va = this.state[(copy * P.n + P.synA[j]!) * MAX_STATE]!;
    const vb = this.state[(copy * P.n + P.synB[j]!) * MAX_STATE]!;
    if (P.synKind[j] === SYN_KIND.electrical) {
      syn[o + 4] = P.spsets[sp]! * (vb - va);
      syn[o + 5] = P.spsets[sp + 1]! * (va - vb);
      return;
    }
    const threshold = P.spsets[sp + 2]!, maxRelease = P.spsets[sp + 6]!, sub = P.spsets[sp + 7]!;
    const h = P.dt / sub;
    this.rp[0] = P.spsets[sp]!; this.rp[1] = P.spsets[sp + 1]!; this.rp[2] = P.spsets[sp + 5]!;
    for (let q = 0; q < sub; q++) {
      if (syn[o + 3]! < threshold && va >= threshold) { syn[o + 2] = 1; syn[o + 1] = 0; }
      if (syn[o + 2]! > 0.5) {
        syn[o + 1] = syn[o + 1]! + h;
        if (syn[o + 1]! > maxRelease) syn[o + 2] = 0;
      }
      this.r[0] = syn[o]!;
      this.releaseStep(this.r, this.rp, syn[o + 2]!, h);
      syn[o] = this.r[0];
      syn[o + 3] = va;
    }
    syn[o + 4] = P.spsets[sp + 4]! * syn[o]! * (vb - P.spsets[sp + 3]!);
    syn[o + 5] = 0;
  }

  private stimulus(list: number, step: number, neuron: number): number {
    const P = this.plan, w = P.stimWords;
    const first = P.stimLists[2 * list]!, count = P.stimLists[2 * list + 1]!;
    let total = 0;
    for (let q = 0; q < count; q++) {
      const r = STIM_WORDS * (first + q);
      const start = w[r + 1]!;
      if (step < start || step >= w[r + 2]!) continue;
      const k = step - start, amp = P.stimAmp[first + q]!;
      if (w[r] === STIM_KIND.pulses) {
        if (k % w[r + 3]! < w[r + 4]!) total += amp;
      } else if (w[r] === STIM_KIND.waveform) {
        const every = w[r + 8]!, idx = Math.floor(k / every), at = w[r + 6]! + idx;
        let x = P.waves[at]!;
        if (w[r + 9] === 1 && idx + 1 < w[r + 7]!) x = x + (P.waves[at + 1]! - x) * ((k % every) / every);
        total += amp * x;
      } else {
        philox4x32(step, neuron, Purpose.circuitNoise, w[r + 10]!, this.key[0], this.key[1], this.words);
        total += amp * normalFromWords(this.words[0]!, this.words[1]!);
      }
    }
    return total;
  }

  /** Advances neuron i of `copy`; returns true when it spiked. */
  private stepNeuron(copy: number, i: number, step: number): boolean {
    const P = this.plan, x = this.x, p = this.p;
    const gi = copy * P.n + i;
    let input = 0;
    const sbase = copy * P.m;
    for (let q = 0; q < P.inCount[i]!; q++) {
      const slot = P.inSlots[P.inFirst[i]! + q]!;
      input += this.syn[SYN_STATE * (sbase + (slot >> 1)) + 4 + (slot & 1)]!;
    }
    input += this.stimulus(P.neuronStims[gi]!, step, gi);
    const pset = P.neuronPset[gi]!;
    for (let k = 0; k < PARAM_SLOTS; k++) p[k] = P.psets[pset * PARAM_SLOTS + k]!;
    const at = gi * MAX_STATE;
    for (let d = 0; d < MAX_STATE; d++) x[d] = this.state[at + d]!;
    const spiked = this.steps[i]!(x, p, input, P.dt);
    for (let d = 0; d < MAX_STATE; d++) {
      if (Number.isFinite(x[d]!)) continue;
      if (!P.freeze) throw new NonFiniteStateError(i, step, P.dt, copy);
      if (!this.failed.has(copy)) this.failed.set(copy, { copy, neuron: i, step });
      return false; // the copy keeps its last finite state and stops from the next step
    }
    for (let d = 0; d < MAX_STATE; d++) this.state[at + d] = x[d]!;
    this.inp[gi] = input;
    return spiked;
  }

  private probe(kind: number, copy: number, index: number, v: number): number {
    const P = this.plan;
    if (kind === PROBE_KIND.state) return this.state[(copy * P.n + index) * MAX_STATE + v]!;
    if (kind === PROBE_KIND.input) return this.inp[copy * P.n + index]!;
    const o = SYN_STATE * (copy * P.m + index);
    return kind === PROBE_KIND.synapseCurrent ? this.syn[o + 4 + v]! : this.syn[o + v]!;
  }

  async advance(steps: number, sink: (chunk: CircuitChunk) => void): Promise<void> {
    await this.guard.run(() => this.advanceChunks(steps, sink));
  }

  private async advanceChunks(steps: number, sink: (chunk: CircuitChunk) => void): Promise<void> {
    const P = this.plan, B = P.copies, probes = P.probes;
    let remaining = steps;
    while (remaining > 0) {
      const t0 = this.step, m = Math.min(remaining, this.stepsPerChunk);
      const { first, count } = samplesIn(t0, m, P.every);
      const traces = new Float64Array(count * probes.length);
      const spikes: number[] = [];
      for (let s = 0; s < m; s++) {
        const step = t0 + s;
        for (let b = 0; b < B; b++) {
          if (!this.failed.has(b)) for (let j = 0; j < P.m; j++) this.stepSynapse(b, j);
        }
        for (let b = 0; b < B; b++) {
          if (this.failed.has(b)) continue;
          for (let i = 0; i < P.n; i++) {
            if (this.stepNeuron(b, i, step) && P.recordSpikes) spikes.push(step, b * P.n + i);
          }
        }
        if ((step + 1) % P.every === 0) {
          const sample = (step + 1) / P.every - 1 - first;
          for (let q = 0; q < probes.length; q++) {
            const pr = probes[q]!;
            traces[sample * probes.length + q] = this.probe(pr.kind, pr.copy, pr.index, pr.variable);
          }
        }
      }
      this.step += m;
      remaining -= m;
      sink({ firstStep: t0, steps: m, spikes: Uint32Array.from(spikes), samples: count, traces, failures: [...this.failed.values()] });
      await new Promise((r) => setTimeout(r, 0)); // let a page or progress bar breathe between chunks
    }
  }

  async readState(): Promise<Float64Array> {
    return this.state.slice();
  }

  destroy(): void {
    this.guard.end();
  }
}

