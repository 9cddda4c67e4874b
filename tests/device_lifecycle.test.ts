// An embedder's device over a long life (issue 15): in Node a device the caller made with the
// `webgpu` package itself gets WebGPU's globals from spikegpu; and 1000 simulations created and
// destroyed on one caller's device leave none reachable and the heap where it was.
import { describe, expect, it } from 'vitest';
import { createSimulation } from '../src/run/create';
import { seedNetwork } from '../src/spec/presets/seed_network';
import { acquireGpu } from '../src/gpu/device';

const gc = () => (globalThis as { gc?: () => void }).gc!();

describe("a caller's device", () => {
  it("made with the webgpu package directly: spikegpu installs WebGPU's globals (GPUBufferUsage, GPUMapMode, …) it needs", async () => {
    const names = ['GPUBufferUsage', 'GPUMapMode', 'GPUShaderStage', 'GPUTextureUsage'] as const;
    const g = globalThis as Record<string, unknown>;
    const saved = Object.fromEntries(names.map((n) => [n, g[n]]));
    const webgpu = (await import('webgpu')) as unknown as { create(flags: string[]): GPU };
    process.env.EGL_PLATFORM ??= 'surfaceless';
    const gpu = webgpu.create(['backend=opengles']);
    const adapter = (await gpu.requestAdapter({ featureLevel: 'compatibility' }))!;
    const device = await adapter.requestDevice();
    try {
      for (const n of names) delete g[n];
      expect(typeof g.GPUBufferUsage).toBe('undefined');
      const sim = await createSimulation(seedNetwork({ neurons: 50, seed: 2 }), { backend: 'gpu', device });
      await sim.run({ steps: 20 });
      expect(sim.step).toBe(20);
      expect((g.GPUBufferUsage as { STORAGE?: number } | undefined)?.STORAGE).toBe(0x80);
      sim.destroy();
    } finally {
      for (const n of names) if (g[n] === undefined) g[n] = saved[n];
      device.destroy();
    }
  });

  it('1000 simulations created and destroyed on it leave none reachable, and the heap within 8 MB of where it started', async () => {
    const mine = await acquireGpu();
    const net = seedNetwork({ neurons: 20, seed: 1 });
    const cycle = async () => {
      const sim = await createSimulation(net, { backend: 'gpu', device: mine.device });
      await sim.run({ steps: 1 });
      sim.destroy();
      return new WeakRef(sim);
    };
    for (let k = 0; k < 50; k++) await cycle();  // pipelines compiled and cached, code warmed
    gc();
    const before = process.memoryUsage().heapUsed;
    const refs: WeakRef<object>[] = [];
    for (let k = 0; k < 1000; k++) {
      const ref = await cycle();
      if (k % 100 === 0) refs.push(ref);
    }
    await new Promise((r) => setTimeout(r, 50));  // let the device's pending promises settle
    gc();
    await new Promise((r) => setTimeout(r, 0));
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    expect(refs.filter((r) => r.deref() !== undefined)).toEqual([]);
    expect(grown).toBeLessThan(8 * 2 ** 20);
    mine.destroy();
  }, 600_000);
});
