// The live raster: the GPU scatters a simulation's recorded spike pairs into its history and bins
// them into pixels (shaders/spike_raster.wgsl); every pixel must equal the CPU reference
// (rasterClasses) computed from the spikes the simulation reads back.
import { afterEach, describe, expect, it } from 'vitest';
import { type Simulation } from '../src/run/simulation';
import { createSimulation } from '../src/run/create';
import { seedNetwork } from '../src/spec/presets/seed_network';
import {
  GpuSpikeRaster, RASTER_COLOURS, RASTER_EMPTY, RASTER_EXCITATORY, RASTER_INHIBITORY, type RasterGeometry, checkRasterGeometry,
  paintRaster, rasterClasses,
} from '../src/render/spike_raster';
import { testGpu } from './helpers';

const list = (pairs: [number, number][]) => ({ step: Int32Array.from(pairs, (p) => p[0]), neuron: Int32Array.from(pairs, (p) => p[1]) });

describe('rasterClasses (CPU reference), by hand', () => {
  it('puts step s of the window in column s and neuron i in row i from the bottom', () => {
    // 4 neurons (0, 1 excitatory), 4 steps shown, 4 × 4 pixels, 6 steps simulated: window = steps 2..5.
    const g: RasterGeometry = { neurons: 4, window: 4, width: 4, height: 4, split: 2 };
    const px = rasterClasses(list([[1, 0], [2, 0], [3, 3], [5, 1], [5, 2]]), 6, g);
    const at = (col: number, neuron: number) => px[(3 - neuron) * 4 + col];
    expect(at(0, 0)).toBe(RASTER_EXCITATORY); // step 2
    expect(at(1, 3)).toBe(RASTER_INHIBITORY); // step 3
    expect(at(3, 1)).toBe(RASTER_EXCITATORY); // step 5
    expect(at(3, 2)).toBe(RASTER_INHIBITORY);
    expect([...px].filter((c) => c !== RASTER_EMPTY)).toHaveLength(4); // step 1 is out of the window
  });

  it('bins several steps and neurons into one pixel, excitatory over inhibitory', () => {
    const g: RasterGeometry = { neurons: 8, window: 6, width: 2, height: 2, split: 4 };
    // Column 0 = window steps 0..2, row 0 (bottom) = neurons 0..3.
    const px = rasterClasses(list([[1, 6], [2, 5], [2, 1], [4, 7]]), 6, g);
    expect([...px]).toEqual([RASTER_INHIBITORY, RASTER_INHIBITORY, RASTER_EXCITATORY, RASTER_EMPTY]);
  });

  it('spreads one neuron over several rows when there are more pixels than neurons', () => {
    const px = rasterClasses(list([[0, 1]]), 1, { neurons: 2, window: 1, width: 1, height: 4 });
    expect([...px]).toEqual([1, 1, 0, 0]);
  });

  it('paints classes in the shader colours and refuses geometry the shader cannot bin', () => {
    expect([...paintRaster(Uint8Array.of(2, 0))]).toEqual([...RASTER_COLOURS[2]!, ...RASTER_COLOURS[0]!]);
    expect(() => checkRasterGeometry({ neurons: 1e6, window: 100, width: 100, height: 5000 })).toThrow(/height × neurons.*at most 4294 pixels/);
    expect(() => checkRasterGeometry({ neurons: 10, window: 0, width: 1, height: 1 })).toThrow(/window must be an integer in \[1, 1048576\], got 0/);
    expect(() => checkRasterGeometry({ neurons: 10, window: 5, width: 1, height: 1, split: 11 })).toThrow(/split must be an integer in \[0, 10\]/);
  });
});

describe('GpuSpikeRaster against rasterClasses', () => {
  // Simulations share the test device: free each as soon as its test ends (destroy is idempotent).
  const sims: Simulation[] = [];
  afterEach(() => { for (const s of sims.splice(0)) s.destroy(); });

  /** The GPU's picture, mapped back to pixel classes. */
  async function renderClasses(raster: GpuSpikeRaster): Promise<Uint8Array> {
    const rgba = await raster.readPixels();
    return Uint8Array.from({ length: rgba.length / 4 }, (_, p) =>
      RASTER_COLOURS.findIndex((c) => Math.abs(c[0] - rgba[4 * p]!) <= 1 && Math.abs(c[1] - rgba[4 * p + 1]!) <= 1 && Math.abs(c[2] - rgba[4 * p + 2]!) <= 1));
  }

  async function compare(neurons: number, geometry: Omit<RasterGeometry, 'neurons'>, chunks: number[]) {
    const { device } = await testGpu();
    const desc = seedNetwork({ neurons, seed: 4 });
    const sim = await createSimulation(desc, { backend: 'gpu', device, stepsPerSubmit: 40 });
    sims.push(sim);
    const g = { neurons, split: desc.populations[0]!.size, ...geometry };
    const raster = await GpuSpikeRaster.create(device, g, 'rgba8unorm');
    const detach = sim.addSpikeTap(raster);
    const checked: number[] = [];
    for (const steps of chunks) {
      await sim.run({ steps });
      const gpu = await renderClasses(raster);
      const cpu = rasterClasses(sim.spikes(), sim.step, g);
      expect(raster.steps).toBe(sim.step);
      let differ = 0;
      for (let p = 0; p < cpu.length; p++) if (gpu[p] !== cpu[p]) differ++;
      expect(differ).toBe(0);
      checked.push(cpu.filter((c) => c !== RASTER_EMPTY).length);
    }
    detach();
    raster.destroy();
    return checked;
  }

  it('matches pixel for pixel while the window fills and scrolls (steps and neurons binned unevenly)', async () => {
    // 300 neurons over 50 rows, a 100-step window over 64 columns; chunks of 40 steps wrap the ring.
    const lit = await compare(300, { window: 100, width: 64, height: 50 }, [30, 60, 75]);
    // Lit pixels: the comparison is not between two empty pictures.
    expect(Math.min(...lit)).toBeGreaterThan(20);
    expect(Math.max(...lit)).toBeGreaterThan(100);
  });

  it('matches when there are more pixels than neurons and steps', async () => {
    const lit = await compare(40, { window: 30, width: 64, height: 70 }, [20, 45]);
    expect(Math.min(...lit)).toBeGreaterThan(0);
    expect(lit.at(-1)).toBeGreaterThan(20);
  });

  it('starts empty again after reset, and refuses a network of another size', async () => {
    const { device } = await testGpu();
    const raster = await GpuSpikeRaster.create(device, { neurons: 300, window: 100, width: 64, height: 50 }, 'rgba8unorm');
    const sim = await createSimulation(seedNetwork({ neurons: 300, seed: 4 }), { backend: 'gpu', device });
    sims.push(sim);
    sim.addSpikeTap(raster);
    await sim.run({ steps: 50 });
    expect((await renderClasses(raster)).some((c) => c !== RASTER_EMPTY)).toBe(true);
    raster.reset();
    expect(raster.steps).toBe(0);
    expect((await renderClasses(raster)).every((c) => c === RASTER_EMPTY)).toBe(true);
    // The one engine records (step, neuron) pairs, not masks: the size is named in neurons.
    const other = await createSimulation(seedNetwork({ neurons: 100 }), { backend: 'gpu', device });
    sims.push(other);
    other.addSpikeTap(raster);
    await expect(other.run({ steps: 5 })).rejects.toThrow(/raster for 300 neurons attached to a network of 100 neurons/);
    raster.destroy();
  });

  it('refuses a batch, whose copies it cannot tell apart', async () => {
    const { device } = await testGpu();
    const raster = await GpuSpikeRaster.create(device, { neurons: 100, window: 10, width: 10, height: 10 }, 'rgba8unorm');
    const sim = await createSimulation({ ...seedNetwork({ neurons: 100 }), batch: { copies: 2 } }, { backend: 'gpu', device });
    sims.push(sim);
    sim.addSpikeTap(raster);
    await expect(sim.run({ steps: 5 })).rejects.toThrow(/the raster shows one network; this simulation runs a batch of 2 copies/);
    raster.destroy();
  });

  it('is refused on the CPU reference, which has no spike buffers, and where spikes are not recorded', async () => {
    const sim = await createSimulation(seedNetwork({ neurons: 50 }), { backend: 'cpu' });
    expect(sim.device).toBeNull();
    expect(() => sim.addSpikeTap({ encode() {} })).toThrow(/CPU reference/);
    const { device } = await testGpu();
    const quiet = await createSimulation({ ...seedNetwork({ neurons: 50 }), record: { spikes: ['excitatory'] } }, { backend: 'gpu', device });
    sims.push(quiet);
    expect(quiet.device).toBe(device);
    expect(() => quiet.addSpikeTap({ encode() {} })).toThrow(/record\.spikes leaves out inhibitory/);
  });
});
