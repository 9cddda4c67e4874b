// Uniforms of work put into a host's command encoder before its submit: each use gets a slot of
// its own in one buffer and is copied into the bound uniform inside the encoder, so several uses
// waiting for one submit do not all read the values written last (queue.writeBuffer lands first).

/** Slots in a ring: the most uses one host encoder may hold before its submit. */
export const SLOTS_PER_SUBMIT = 1024;

export class UniformSlots {
  private next = 0;
  /** Uses put into each host encoder so far: past SLOTS_PER_SUBMIT a later one would take an earlier one's slot. */
  private readonly perEncoder = new WeakMap<GPUCommandEncoder, number>();
  /** The ring (SLOTS_PER_SUBMIT slots of `stride` bytes); its owner destroys it. */
  readonly buffer: GPUBuffer;
  constructor(private readonly device: GPUDevice, label: string, private readonly stride: number) {
    this.buffer = device.createBuffer({ label, size: SLOTS_PER_SUBMIT * stride, usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
  }
  /** Counts `uses` more into `encoder`, refusing (before any is encoded) what would reuse a slot before the host submits. */
  reserve(encoder: GPUCommandEncoder, uses: number, call: string, what: string): void {
    const used = this.perEncoder.get(encoder) ?? 0;
    if (used + uses > SLOTS_PER_SUBMIT) {
      throw new RangeError(`${call}: one host encoder holds at most ${SLOTS_PER_SUBMIT} ${what} before its submit (this one has ${used}, and ${uses} more were asked); submit it and encode the rest into a new one`);
    }
    this.perEncoder.set(encoder, used + uses);
  }
  /** Puts `data` (at most `stride` bytes) into the next slot and, in `encoder`, copies it into `into`. */
  copy(encoder: GPUCommandEncoder, data: ArrayBuffer, into: GPUBuffer): void {
    const at = (this.next++ % SLOTS_PER_SUBMIT) * this.stride;
    this.device.queue.writeBuffer(this.buffer, at, data);
    encoder.copyBufferToBuffer(this.buffer, at, into, 0, data.byteLength);
  }
}
