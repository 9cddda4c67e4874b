// What every simulation enforces around its runs, and the error a non-finite state raises.

/** A non-finite state variable: the simulation stops and says where. */
export class NonFiniteStateError extends Error {
  override name = 'NonFiniteStateError';
  constructor(readonly neuron: number, readonly step: number, dt: number, readonly copy?: number) {
    super(`non-finite state (NaN or ±Inf) in neuron ${neuron}${copy === undefined ? '' : ` of copy ${copy}`} at step ${step} ` +
      `(t = ${step * dt} ms); the simulation stopped`);
  }
}

/**
 * What every simulation enforces around its runs: none after destroy(), and none after a run
 * failed (a NaN, a GPU error: the state and the recordings are then out of step), which throws
 * that failure again.
 */
export class RunGuard {
  private failed: Error | null = null;
  private ended = false;

  async run<T>(body: () => Promise<T>): Promise<T> {
    if (this.ended) throw new Error('this simulation was destroyed');
    if (this.failed) throw this.failed;
    try {
      return await body();
    } catch (e) {
      this.failed = e as Error;
      throw e;
    }
  }

  /** Whether destroy() was called (a run checks it between slices: destroy() in onProgress stops the run). */
  get destroyed(): boolean { return this.ended; }

  /** Marks the simulation destroyed; false when it already was (destroy() is idempotent). */
  end(): boolean {
    if (this.ended) return false;
    this.ended = true;
    return true;
  }
}
