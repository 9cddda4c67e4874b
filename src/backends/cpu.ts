// The CPU reference backend: the plan executed in plain TypeScript, f64 (or f32 emulated with
// Math.fround), in exactly the GPU kernel's order (shaders/pulse_network.wgsl).
import { type Backend, type Chunk, NonFiniteStateError, RunGuard, chunkLength, maskWords } from './backend';
import type { Plan } from '../network/plan';
import { NO_TRACE } from '../network/plan';
import { type IzhikevichIntegrate, type IzhikevichReset, izhikevichJs } from './izhikevich_code';
import { PhiloxStream, Purpose } from '../rng/philox';

export interface CpuOptions {
  precision?: 'f64' | 'f32';
  /** Steps per chunk handed to the recorder (and between yields to the event loop). */
  stepsPerChunk?: number;
}

export class CpuBackend implements Backend {
  readonly kind = 'cpu';
  readonly adapter: string;
  private readonly r: (x: number) => number;
  private readonly integrate: IzhikevichIntegrate;
  private readonly reset: IzhikevichReset;
  private readonly v: Float64Array;
  private readonly u: Float64Array;
  private readonly coef: Float64Array;
  private readonly thr: Float64Array;
  private readonly sigma: Float64Array;
  private readonly amp: Float64Array;
  private readonly dt: number;
  private readonly words: number;
  private prevMask: Uint32Array;
  private nextMask: Uint32Array;
  private readonly traceSlot: Uint32Array;
  private readonly noise: PhiloxStream;
  private readonly chunk: number;
  private readonly out = new Float64Array(2);
  private step = 0;
  private readonly guard = new RunGuard();

  constructor(private readonly plan: Plan, options: CpuOptions = {}) {
    const precision = options.precision ?? 'f64';
    this.adapter = `CPU reference (${precision})`;
    this.r = precision === 'f32' ? Math.fround : (x) => x;
    ({ integrate: this.integrate, reset: this.reset } = izhikevichJs(plan.scheme, precision));
    const round = (a: Float64Array) => a.map(this.r);
    this.v = round(plan.v0);
    this.u = round(plan.u0);
    this.coef = round(plan.coef);
    this.thr = round(plan.threshold);
    this.sigma = round(plan.sigma);
    this.amp = round(plan.amp);
    this.dt = this.r(plan.dt);
    this.words = maskWords(plan.n);
    this.prevMask = new Uint32Array(this.words);
    this.nextMask = new Uint32Array(this.words);
    this.traceSlot = new Uint32Array(plan.n).fill(NO_TRACE);
    plan.traced.forEach((i, k) => { this.traceSlot[i] = k; });
    this.noise = new PhiloxStream(plan.seed, Purpose.noise);
    this.chunk = options.stepsPerChunk ?? 250;
  }

  async advance(steps: number, sink: (c: Chunk) => void): Promise<void> {
    await this.guard.run(() => this.advanceChunks(steps, sink));
  }

  private async advanceChunks(steps: number, sink: (chunk: Chunk) => void): Promise<void> {
    const p = this.plan, W = this.words, T = p.traced.length;
    let remaining = steps;
    while (remaining > 0) {
      const m = chunkLength(this.step, remaining, this.chunk);
      const raster = new Uint32Array(m * W);
      const traces = new Float64Array(m * T * 3);
      for (let k = 0; k < m; k++) {
        this.stepOnce(this.step + k, raster.subarray(k * W, (k + 1) * W), traces.subarray(k * T * 3, (k + 1) * T * 3));
      }
      sink({ firstStep: this.step, steps: m, raster: p.recordSpikes ? raster : null, traces });
      this.step += m;
      remaining -= m;
      if (remaining > 0) await new Promise((res) => setTimeout(res, 0));
    }
  }

  private stepOnce(t: number, fired: Uint32Array, traces: Float64Array): void {
    const p = this.plan, r = this.r, n = p.n, W = this.words, wT = t > 0 ? p.weightsT : null, out = this.out;
    const { coef, sigma, amp, thr, v: V, u: U, traceSlot, noise, dt, prevMask: prev } = this;
    const { on, off } = p;
    const next = this.nextMask.fill(0);
    for (let i = 0; i < n; i++) {
      let current = 0;
      if (sigma[i] !== 0) current = r(sigma[i]! * r(noise.normal(t, i)));
      if (t >= on[i]! && t < off[i]!) current = r(current + amp[i]!);
      let syn = 0;
      if (wT) {
        for (let w = 0; w < W; w++) {
          let bits = prev[w]!;
          while (bits !== 0) {
            const j = w * 32 + (31 - Math.clz32(bits & -bits));
            syn = r(syn + wT[j * n + i]!);
            bits &= bits - 1;
          }
        }
      }
      const total = r(current + syn);
      this.integrate(V[i]!, U[i]!, coef[4 * i]!, coef[4 * i + 1]!, total, dt, out);
      let v = out[0]!, u = out[1]!;
      if (!Number.isFinite(v) || !Number.isFinite(u)) throw new NonFiniteStateError(i, t, p.dt);
      if (v >= thr[i]!) {
        next[i >> 5]! |= 1 << (i & 31);
        this.reset(u, coef[4 * i + 2]!, coef[4 * i + 3]!, out);
        v = out[0]!;
        u = out[1]!;
      }
      V[i] = v;
      U[i] = u;
      const slot = traceSlot[i]!;
      if (slot !== NO_TRACE) {
        traces[slot * 3] = v;
        traces[slot * 3 + 1] = u;
        traces[slot * 3 + 2] = total;
      }
    }
    fired.set(next);
    this.nextMask = prev;
    this.prevMask = next;
  }

  async readState() {
    return { v: this.v.slice(), u: this.u.slice() };
  }

  destroy(): void {
    this.guard.end();
  }
}
