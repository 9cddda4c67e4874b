// The page's one GPU device, shared by every view (the raster canvas must be configured with the
// simulation's device). Without WebGPU the page says so and every view runs the CPU reference; a
// lost device is reported and can be restarted.
import { acquireGpu, type GpuContext } from 'spikegpu';

export type SessionEvent = 'lost' | 'restarted';

export class GpuSession {
  private ctx: GpuContext | null = null;
  private closing = false;
  private readonly listeners = new Set<(e: SessionEvent) => void>();
  /** Why there is no device: no WebGPU in this browser, no adapter, or a lost device. */
  problem: string | null = null;
  lost = false;

  get device(): GPUDevice | null { return this.ctx?.device ?? null; }
  get adapter(): string { return this.ctx?.adapterName ?? 'none'; }
  /** A software adapter (SwiftShader): its WebGPU canvases cannot be presented in headless Chromium. */
  get software(): boolean { return this.ctx?.software ?? false; }
  get hasWebGpu(): boolean { return 'gpu' in navigator; }

  /** The largest buffer one binding may hold on this device (the dense S must fit). */
  get maxBindingBytes(): number {
    const l = this.device?.limits;
    return l ? Math.min(l.maxStorageBufferBindingSize, l.maxBufferSize) : 0;
  }

  /** The field error for a view's backend choice, or null when it can run. */
  backendError(backend: string): string | null {
    return backend === 'gpu' && !this.device ? 'no WebGPU device: use the CPU reference' : null;
  }

  async open(): Promise<void> {
    this.problem = null;
    this.lost = false;
    if (!this.hasWebGpu) {
      this.problem = 'This browser has no WebGPU, so every view runs on the CPU reference (f64), which is slower. ' +
        'Chrome or Edge 113+ on https or localhost have WebGPU.';
      return;
    }
    try {
      // Ask for what the adapter allows, so any network the device can hold can be built later.
      this.ctx = await acquireGpu((l) => ({
        maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
        maxBufferSize: l.maxBufferSize,
        maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
        maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
        maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
        maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
        maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
      }));
    } catch (e) {
      this.problem = `WebGPU is present but no device could be opened (${(e as Error).message}); the CPU reference runs instead.`;
      return;
    }
    const device = this.ctx.device;
    device.lost.then((info) => {
      if (this.closing || this.ctx?.device !== device) return;
      this.ctx = null;
      this.lost = true;
      this.problem = `The GPU device was lost (${info.reason}${info.message ? `: ${info.message}` : ''}). Running simulations stopped.`;
      this.emit('lost');
    });
  }

  /** Opens a fresh device after a loss. */
  async restart(): Promise<void> {
    this.closing = true;
    this.ctx?.destroy();
    this.ctx = null;
    this.closing = false;
    await this.open();
    this.emit('restarted');
  }

  on(listener: (e: SessionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: SessionEvent): void {
    for (const l of this.listeners) l(e);
  }
}
