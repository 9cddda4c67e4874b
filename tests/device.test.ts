// The GPU entry point: finds an adapter (software on machines without a GPU) or fails saying what
// to install; uses a caller's device without destroying it; keeps dawn.node alive while in use.
import { describe, expect, it, vi } from 'vitest';
import { acquireGpu, GpuUnavailableError } from '../src/gpu/device';
import { createSimulation } from '../src/run/create';
import { seedNetwork } from '../src/spec/presets/seed_network';

describe('acquireGpu', () => {
  it('finds an adapter and names it (fails, not skips, where there is none)', async () => {
    const gpu = await acquireGpu();
    expect(gpu.device).toBeTruthy();
    expect(gpu.adapterName.length).toBeGreaterThan(3);
    gpu.destroy();
    gpu.destroy(); // idempotent
  });

  it('uses a caller-owned device and never destroys it', async () => {
    const mine = await acquireGpu();
    const sim = await createSimulation(seedNetwork({ neurons: 100 }), { backend: 'gpu', device: mine.device });
    await sim.run({ steps: 10 });
    sim.destroy();
    sim.destroy();
    // Still alive: a new buffer is created without a validation error.
    mine.device.pushErrorScope('validation');
    mine.device.createBuffer({ size: 16, usage: GPUBufferUsage.STORAGE }).destroy();
    expect(await mine.device.popErrorScope()).toBeNull();
    mine.destroy();
  });

  it("shares the caller's device without listening to it: the host's GPU errors do not reach a simulation, nor the simulation's the host", async () => {
    const mine = await acquireGpu();
    const listen = vi.spyOn(mine.device, 'addEventListener');
    const hostErrors: string[] = [];
    const onError = (ev: Event) => hostErrors.push((ev as GPUUncapturedErrorEvent).error.message);
    mine.device.addEventListener('uncapturederror', onError);
    const sim = await createSimulation(seedNetwork({ neurons: 100 }), { backend: 'gpu', device: mine.device });
    await sim.run({ steps: 10 });
    // The host makes an invalid call outside any scope of its own: an uncaptured error for the host alone.
    mine.device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.STORAGE });
    await sim.run({ steps: 10 });
    expect(sim.step).toBe(20);
    await new Promise((r) => setTimeout(r, 50));
    expect(hostErrors).toHaveLength(1);  // the host's own, and nothing of the simulation's work
    expect(listen.mock.calls.filter(([type]) => type === 'uncapturederror')).toHaveLength(1);  // the host's listener only
    sim.destroy();
    mine.device.removeEventListener('uncapturederror', onError);
    mine.destroy();
  });

  it('a lost device is named in the errors it causes, not a bare AbortError', async () => {
    const mine = await acquireGpu();
    const sim = await createSimulation(seedNetwork({ neurons: 100 }), { backend: 'gpu', device: mine.device });
    await sim.run({ steps: 10 });
    mine.device.destroy();  // the caller's own doing: the simulation must say what happened
    await expect(sim.readState('excitatory', 'v')).rejects.toThrow(/^GPU device lost \(destroyed\)/);
    await expect(sim.run({ steps: 10 })).rejects.toThrow(/^GPU device lost \(destroyed\)/);
    sim.destroy();
  });

  it('keeps the adapter and the dawn.node instance alive through garbage collection', async () => {
    // A bundled build once let them be collected; dawn.node then aborted the whole process.
    const collect = (globalThis as { gc?: () => void }).gc;
    expect(collect, 'vitest runs with --expose-gc (vite.config.ts)').toBeTypeOf('function');
    const sim = await createSimulation(seedNetwork({ neurons: 200 }), { backend: 'gpu' });
    for (let k = 0; k < 3; k++) {
      collect!();
      await new Promise((r) => setTimeout(r, 20));
      await sim.run({ steps: 50 });
    }
    expect(sim.step).toBe(150);
    sim.destroy();
  });

  it("the browser entry alone in Node (no Node entry registered) says to import the package's Node entry", async () => {
    vi.resetModules();
    const fresh = await import('../src/gpu/device');
    const err = await fresh.acquireGpu().catch((e: unknown) => e);
    expect((err as Error).name).toBe('GpuUnavailableError');
    expect((err as Error).message).toMatch(/browser entry.*"node" export condition/);
  });

  it('says what to install when no adapter comes back', async () => {
    vi.resetModules();
    vi.doMock('webgpu', () => ({ create: () => ({ requestAdapter: async () => null }), globals: {} }));
    await import('../src/node');  // registers Node's WebGPU (the mock) with the fresh modules
    const fresh = await import('../src/gpu/device');
    const err = await fresh.acquireGpu().catch((e: unknown) => e);
    expect((err as Error).name).toBe('GpuUnavailableError');
    expect((err as Error).message).toMatch(/no WebGPU adapter found.*libegl-mesa0 libgl1-mesa-dri/);
    vi.doUnmock('webgpu');
    expect(GpuUnavailableError).toBeTypeOf('function');
  });
});
