// Embedding (docs/embedding.md): a host that owns the GPUDevice reads the simulation's buffers
// itself, from the layouts gpuBuffers() gives, and puts steps into its own encoder with encode().
import { afterEach, describe, expect, test } from 'vitest';
import { Simulation } from '../src/run/simulation';
import { createSimulation } from '../src/run/create';
import type { Network } from '../src/spec/network';
import { testGpu } from './helpers';
import { readBuffer } from '../src/gpu/chunks';
import { GpuSpikeRaster } from '../src/render/spike_raster';
import { seedNetwork } from '../src/spec/presets/seed_network';

const made: Simulation[] = [];
afterEach(() => { for (const sim of made.splice(0)) sim.destroy(); });

/** Two populations in two copies, a stored projection (arrival rings) and noise that differs per copy. */
const twoPopulations = (record: Network['record'] = { spikes: true }): Network => ({
  dt: 0.5, seed: 7,
  populations: [
    { name: 'exc', size: 12, model: 'izhikevich', preset: 'RS', integrator: 'euler' },
    { name: 'inh', size: 5, model: 'lif' },
  ],
  projections: [
    { name: 'ei', source: 'exc', target: 'inh', connectivity: { rule: 'list', pre: [0, 1, 2, 3], post: [0, 1, 2, 4] }, synapse: { kind: 'pulse', target: 'v' }, weight: 4, delay: 2 },
    { name: 'ie', source: 'inh', target: 'exc', connectivity: { rule: 'list', pre: [0, 1, 2, 3, 4], post: [0, 2, 4, 6, 8] }, synapse: { kind: 'pulse', target: 'v' }, weight: -1, storage: 'csr' },
  ],
  inputs: [{ kind: 'noise', target: 'exc', sigma: 20 }, { kind: 'constant', target: 'exc', amplitude: 9 }, { kind: 'constant', target: 'inh', amplitude: 30 }],
  record,
  batch: { copies: 2 },
});

async function gpuSim(net: Network, options: Parameters<typeof createSimulation>[1] = {}): Promise<Simulation> {
  const { device } = await testGpu();
  const sim = await createSimulation(net, { backend: 'gpu', device, ...options });
  made.push(sim);
  return sim;
}

/** What a host reads of `buffer` on its own device: a copy into a mappable buffer of its own (the library's generic helper). */
const hostRead = (device: GPUDevice, buffer: GPUBuffer, byteOffset: number, bytes: number) => readBuffer(device, buffer, bytes, 'host read', byteOffset);

describe('gpuBuffers(): the layouts a host reads without spikegpu copying', () => {
  test('every state variable of two populations in two copies: the host reads exactly what readState returns', async () => {
    const sim = await gpuSim(twoPopulations());
    await sim.run({ steps: 40 });
    const bufs = sim.gpuBuffers();
    expect(bufs.copies).toBe(2);
    expect(bufs.state.variables.map((v) => `${v.population}.${v.variable}`)).toEqual(['exc.v', 'exc.u', 'inh.v']);
    for (const range of bufs.state.variables) {
      expect(range).toMatchObject({ type: 'f32', copies: 2, count: 2 * range.perCopy });
      const host = new Float32Array(await hostRead(bufs.device, bufs.state.buffer, range.byteOffset, 4 * range.count));
      const read = await sim.readState(range.population, range.variable);
      expect(Array.from(host)).toEqual(Array.from(read));
      // Copies differ (noise per copy), so the copy stride is checked too.
      expect(Array.from(host.subarray(0, range.perCopy))).not.toEqual(Array.from(host.subarray(range.perCopy)));
    }
  });

  test('the records buffer of the last chunk holds its spikes as (step, element) pairs', async () => {
    const sim = await gpuSim(twoPopulations());
    await sim.run({ steps: 60 });  // one chunk (stepsPerSubmit 250)
    const { records, populations, device } = sim.gpuBuffers();
    expect(records).toMatchObject({ latest: 0, firstStep: 0, steps: 60 });
    const words = new Uint32Array(await hostRead(device, records.buffers[records.latest!]!, 0, records.pairsByteOffset + 8 * records.capacity));
    const count = words[0]!, pairs = words.subarray(records.pairsByteOffset / 4, records.pairsByteOffset / 4 + 2 * count);
    const spikes = sim.spikes();
    expect(count).toBe(spikes.step.length);
    expect(count).toBeGreaterThan(0);
    const fromBuffer: string[] = [];
    for (let r = 0; r < count; r++) {
      const g = pairs[2 * r + 1]!, q = g >= populations[1]!.firstElement ? 1 : 0, p = populations[q]!;
      const e = g - p.firstElement, copy = Math.floor(e / p.size), neuron = (q === 0 ? 0 : populations[0]!.size) + e - copy * p.size;
      fromBuffer.push(`${pairs[2 * r]} ${neuron} ${copy}`);
    }
    const recorded = Array.from(spikes.step, (s, k) => `${s} ${spikes.neuron[k]} ${spikes.copy[k]}`);
    expect(fromBuffer.sort()).toEqual(recorded.sort());
    expect(words[records.perPopulationByteOffset / 4]! + words[records.perPopulationByteOffset / 4 + 1]!).toBe(count);
  });

  test('arrival rings and the spike list are described from the engine layout', async () => {
    const sim = await gpuSim(twoPopulations());
    const { accumulators, spikeList, state } = sim.gpuBuffers();
    expect(accumulators.rings.map((r) => [r.population, r.variable, r.projections])).toEqual([['inh', 'v', ['ei']], ['exc', 'v', ['ie']]]);
    for (const r of accumulators.rings) {
      expect(r.type).toBe('i32');
      expect(r.slotBytes).toBe(4 * 2 * r.perCopy);
      expect(r.count).toBe(r.slots * 2 * r.perCopy);
      expect(r.byteOffset + 4 * r.count).toBeLessThanOrEqual(accumulators.buffer.size);
    }
    expect(spikeList).not.toBeNull();
    expect(spikeList!.capacity).toBe(2 * 17);
    expect(state.external).toEqual([]);
  });

  test('refused on the CPU backend and after destroy()', async () => {
    const cpu = await createSimulation(twoPopulations());
    made.push(cpu);
    expect(() => cpu.gpuBuffers()).toThrow(/gpuBuffers: only a GPU simulation has GPU buffers/);
    const sim = await gpuSim(twoPopulations());
    sim.destroy();
    expect(() => sim.gpuBuffers()).toThrow(/gpuBuffers: this simulation was destroyed/);
  });
});

describe('encode(encoder, steps): steps in the host’s own submit', () => {
  test.each([
    ['one workgroup', { launch: 'one-workgroup' as const }],
    ['per step, chunks of 8', { launch: 'per-step' as const, stepsPerSubmit: 8 }],
  ])('%s: the state is bit for bit that of run() of the same steps, mixed with runs', async (_, options) => {
    const { device } = await testGpu();
    const [ran, encoded] = await Promise.all([gpuSim(twoPopulations(), options), gpuSim(twoPopulations(), options)]);
    await ran.run({ steps: 37 });
    const enc = device.createCommandEncoder();
    encoded.encode(enc, 20);
    encoded.encode(enc, 17);  // two encodes before one submit
    expect(encoded.step).toBe(37);
    device.queue.submit([enc.finish()]);
    await device.queue.onSubmittedWorkDone();
    const variables = ['exc.v', 'exc.u', 'inh.v'].map((x) => x.split('.') as [string, string]);
    for (const [p, v] of variables) expect(Array.from(await encoded.readState(p, v))).toEqual(Array.from(await ran.readState(p, v)));
    // Runs after encoded steps go on from them; their spikes are recorded from there on.
    await ran.run({ steps: 23 });
    await encoded.run({ steps: 23 });
    for (const [p, v] of variables) expect(Array.from(await encoded.readState(p, v))).toEqual(Array.from(await ran.readState(p, v)));
    const after = (s: Simulation) => Array.from(s.spikes(37).step);
    expect(after(encoded)).toEqual(after(ran));
    expect(encoded.spikes().step.every((s) => s >= 37)).toBe(true);
  });

  test('refuses what cannot be encoded, by name', async () => {
    const { device } = await testGpu();
    const enc = device.createCommandEncoder();
    const cpu = await createSimulation(twoPopulations());
    made.push(cpu);
    expect(() => cpu.encode(enc, 1)).toThrow(/encode: only a GPU simulation/);
    const sim = await gpuSim(twoPopulations());
    expect(() => sim.encode(enc, -1)).toThrow(/encode: steps must be a whole number ≥ 0, got -1/);
    expect(() => sim.encode(enc, 2.5)).toThrow(/steps must be a whole number/);
    expect(() => sim.encode(enc, 2 ** 40)).toThrow(/encode: 0 \+ 1099511627776 steps pass/);
    const running = sim.run({ steps: 30 });
    expect(() => sim.encode(enc, 1)).toThrow(/encode: a run\(\) of this simulation is in progress/);
    await running;
    const rates = await gpuSim(twoPopulations({ rates: true, probes: [{ population: 'inh', variable: 'v', neurons: [0] }] }));
    expect(() => rates.encode(enc, 1)).toThrow(/record\.rates, record\.probes would lose those steps/);
    sim.destroy();
    expect(() => sim.encode(enc, 1)).toThrow(/encode: this simulation was destroyed/);
    enc.finish();
  });

  test('a run() that reaches the GPU before the host submitted its encoded steps is reported, not silent', async () => {
    const { device } = await testGpu();
    const sim = await gpuSim(twoPopulations());
    await sim.run({ steps: 10 });
    const enc = device.createCommandEncoder();
    sim.encode(enc, 5);  // steps 10..15, not submitted yet
    await expect(sim.run({ steps: 5 })).rejects.toThrow(/steps 15\.\.20 ran on the GPU right after steps 0\.\.10, not after step 15: .*submit the encoder first/);
    device.queue.submit([enc.finish()]);
    // In order, it runs on: encode, submit, run.
    const ok = await gpuSim(twoPopulations());
    const next = device.createCommandEncoder();
    ok.encode(next, 5);
    device.queue.submit([next.finish()]);
    await ok.run({ steps: 5 });
    expect(ok.step).toBe(10);
  });

  test('a GpuSpikeRaster tapping encoded chunks, several in one submit, draws what it draws for run()', async () => {
    const { device } = await testGpu();
    const net = seedNetwork({ neurons: 100, seed: 4 });
    const rasters = await Promise.all([0, 1].map(() => GpuSpikeRaster.create(device, { neurons: 100, window: 60, width: 60, height: 50 }, 'rgba8unorm')));
    const [ran, encoded] = await Promise.all([0, 1].map(() => gpuSim(net, { stepsPerSubmit: 10 })));
    ran.addSpikeTap(rasters[0]!);
    encoded.addSpikeTap(rasters[1]!);
    await ran.run({ steps: 50 });
    const enc = device.createCommandEncoder();
    encoded.encode(enc, 50);  // five chunks, each with its own scatter values, in one submit
    device.queue.submit([enc.finish()]);
    const [a, b] = await Promise.all(rasters.map((r) => r.readPixels()));
    expect(Array.from(a!).filter((x) => x < 128).length).toBeGreaterThan(20);  // spikes were drawn
    expect(Array.from(b!)).toEqual(Array.from(a!));
    for (const r of rasters) r.destroy();
  });

  test('summary(): the rates are over the recorded steps only, the encoded ones leaving out both their spikes and their time', async () => {
    const { device } = await testGpu();
    const sim = await gpuSim(twoPopulations());
    const enc = device.createCommandEncoder();
    sim.encode(enc, 20);
    device.queue.submit([enc.finish()]);
    await sim.run({ steps: 200 });
    const s = sim.summary(), spikes = sim.spikes();
    expect(s.steps).toBe(220);
    for (const [q, p] of [[0, 'exc'], [1, 'inh']] as const) {
      const n = spikes.population.filter((x) => x === q).length, size = q === 0 ? 12 : 5;
      if (p === 'exc') expect(n, p).toBeGreaterThan(0);
      expect(s.meanRateHz[p]).toBeCloseTo(n / (size * 2 * (200 * 0.5) / 1000), 9);
    }
  });

  test('one host encoder takes at most 1024 chunks before its submit: a call past that is refused before it encodes any', async () => {
    const { device } = await testGpu();
    const sim = await gpuSim(twoPopulations(), { stepsPerSubmit: 1 });
    const enc = device.createCommandEncoder();
    expect(() => sim.encode(enc, 1025)).toThrow(/at most 1024 chunks .*this one has 0, and 1025 more/);
    expect(sim.step).toBe(0);
    sim.encode(enc, 1000);
    expect(() => sim.encode(enc, 30)).toThrow(/this one has 1000, and 30 more/);
    expect(sim.step).toBe(1000);
    device.queue.submit([enc.finish()]);
    const next = device.createCommandEncoder();
    sim.encode(next, 30);  // a new encoder starts afresh
    device.queue.submit([next.finish()]);
    expect(sim.step).toBe(1030);
  });

  test('destroy() after encoding frees the simulation’s buffers, the encode uniforms included, and leaves the host’s device working', async () => {
    const { device } = await testGpu();
    const sim = await gpuSim(twoPopulations());
    const made: GPUBuffer[] = [];
    const create = device.createBuffer.bind(device);
    device.createBuffer = (d: GPUBufferDescriptor) => { const b = create(d); made.push(b); return b; };
    const enc = device.createCommandEncoder();
    try { sim.encode(enc, 5); } finally { device.createBuffer = create; }
    const slots = made.find((b) => b.label === 'spikegpu encode uniforms');
    expect(slots).toBeDefined();
    const destroyed: GPUBuffer[] = [];
    const destroy = slots!.destroy.bind(slots);
    slots!.destroy = () => { destroyed.push(slots!); destroy(); };
    device.queue.submit([enc.finish()]);
    await device.queue.onSubmittedWorkDone();
    sim.destroy();
    expect(destroyed).toEqual([slots]);
    device.pushErrorScope('validation');
    const buf = device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    device.queue.submit([device.createCommandEncoder().finish()]);
    await buf.mapAsync(GPUMapMode.READ);
    buf.destroy();
    expect(await device.popErrorScope()).toBeNull();
  });
});
