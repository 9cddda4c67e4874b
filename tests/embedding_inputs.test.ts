// Closed-loop inputs (docs/network.md, kind 'external'; docs/embedding.md): values the caller
// writes between steps, added to each later step, alike on the GPU and the CPU backend.
import { afterEach, describe, expect, test } from 'vitest';
import { Simulation, type SimulationOptions } from '../src/run/simulation';
import { createSimulation } from '../src/run/create';
import type { Network } from '../src/spec/network';
import { validateNetwork } from '../src/spec/validate';
import { maxAbsDiff, testGpu } from './helpers';

const made: Simulation[] = [];
afterEach(() => { for (const sim of made.splice(0)) sim.destroy(); });

/** LIF neurons driven into I, Izhikevich neurons 1 and 3 kicked in v; two copies. */
const closedLoop = (): Network => ({
  dt: 0.5, seed: 3,
  populations: [{ name: 'lif', size: 6, model: 'lif' }, { name: 'izh', size: 4, model: 'izhikevich', preset: 'RS', integrator: 'euler' }],
  projections: [{ name: 'li', source: 'lif', target: 'izh', connectivity: { rule: 'all-to-all' }, synapse: { kind: 'pulse', target: 'v' }, weight: 2, storage: 'csr' }],
  inputs: [
    { kind: 'external', name: 'drive', target: 'lif' },
    { kind: 'constant', target: 'izh', amplitude: 4 },
    { kind: 'external', name: 'kick', target: 'izh', neurons: [1, 3], variable: 'v' },
  ],
  batch: { copies: 2 },
});

async function make(backend: 'cpu' | 'gpu'): Promise<Simulation> {
  const options: SimulationOptions = backend === 'gpu' ? { backend, device: (await testGpu()).device } : { precision: 'f32' };
  const sim = await createSimulation(closedLoop(), options);
  made.push(sim);
  return sim;
}

/** f32-exact drive per element [copy · 6 + neuron], and kicks (only neurons 1 and 3 take them). */
const drive = (scale: number) => Array.from({ length: 12 }, (_, e) => scale * (300 + 50 * (e % 6) + 25 * Math.floor(e / 6)));
const kick = (x: number) => Array.from({ length: 8 }, () => x);

async function closedLoopRun(sim: Simulation, second: number): Promise<{ v: Float64Array[]; spikes: string[] }> {
  sim.externalInput('drive').write(drive(1));
  sim.externalInput('kick').write(kick(0.5));
  await sim.run({ steps: 40 });
  const v = [await sim.readState('lif', 'v')];
  sim.externalInput('drive').write(drive(second));
  sim.externalInput(2).write(kick(0));
  await sim.run({ steps: 40 });
  v.push(await sim.readState('lif', 'v'), await sim.readState('izh', 'v'));
  const s = sim.spikes();
  return { v, spikes: Array.from(s.step, (step, k) => `${step}:${s.neuron[k]}:${s.copy[k]}`) };
}

describe("kind 'external': written between steps, added to the next steps", () => {
  test('the GPU matches the CPU (f32) with the same written values, spikes included', async () => {
    const [cpu, gpu] = await Promise.all([make('cpu'), make('gpu')]).then((sims) => Promise.all(sims.map((s) => closedLoopRun(s, 2))));
    expect(gpu!.spikes.length).toBeGreaterThan(10);
    expect(gpu!.spikes).toEqual(cpu!.spikes);
    cpu!.v.forEach((v, k) => expect(maxAbsDiff(gpu!.v[k]!, v)).toBeLessThan(1e-3));
  });

  test.each(['cpu', 'gpu'] as const)('%s: a write between two runs changes the steps after it only', async (backend) => {
    const a = await closedLoopRun(await make(backend), 2), b = await closedLoopRun(await make(backend), 0.5);
    expect(Array.from(b.v[0]!)).toEqual(Array.from(a.v[0]!));
    const before = (x: string[]) => x.filter((s) => Number(s.split(':')[0]) < 40);
    expect(before(b.spikes)).toEqual(before(a.spikes));
    expect(before(a.spikes).length).toBeGreaterThan(0);
    expect(maxAbsDiff(b.v[1]!, a.v[1]!)).toBeGreaterThan(1);
    // Each copy and neuron gets its own value: the second copy's drive is higher, so it spikes more.
    const copy = (c: number) => a.spikes.filter((s) => s.endsWith(`:${c}`) && Number(s.split(':')[1]) < 6).length;
    expect(copy(1)).toBeGreaterThan(copy(0));
  });

  test('the GPU range is in the state buffer: a host write between two encoded submits acts as write() between runs', async () => {
    const { device } = await testGpu();
    const ran = await make('gpu'), encoded = await make('gpu');
    for (const sim of [ran, encoded]) sim.externalInput('kick').write(kick(0));
    ran.externalInput('drive').write(drive(1));
    await ran.run({ steps: 30 });
    ran.externalInput('drive').write(drive(2));
    await ran.run({ steps: 30 });
    const range = encoded.externalInput('drive');
    if (range.backend !== 'gpu') throw new Error('a GPU simulation gives a GPU range');
    expect(range).toMatchObject({ type: 'f32', count: 12, copies: 2, perCopy: 6, population: 'lif', variable: 'I', name: 'drive' });
    expect(encoded.gpuBuffers().state.external.map((r) => r.name)).toEqual(['drive', 'kick']);
    for (const scale of [1, 2]) {
      device.queue.writeBuffer(range.buffer, range.byteOffset, Float32Array.from(drive(scale)));
      const enc = device.createCommandEncoder();
      encoded.encode(enc, 30);
      device.queue.submit([enc.finish()]);
    }
    await device.queue.onSubmittedWorkDone();
    expect(Array.from(await encoded.readState('lif', 'v'))).toEqual(Array.from(await ran.readState('lif', 'v')));
    expect(Array.from(await encoded.readState('izh', 'v'))).toEqual(Array.from(await ran.readState('izh', 'v')));
  });

  test('the CPU hands the array its steps read', async () => {
    const sim = await make('cpu');
    const input = sim.externalInput('drive');
    if (input.backend !== 'cpu') throw new Error('a CPU simulation gives its array');
    expect(input.values.length).toBe(12);
    input.values.fill(1000);
    await sim.run({ steps: 20 });
    expect(sim.spikes().step.length).toBeGreaterThan(0);
  });

  test.each(['cpu', 'gpu'] as const)('%s: write() refuses non-finite values, a write during a run and after destroy(), keeping its errors out of the host’s device', async (backend) => {
    const { device } = await testGpu();
    const sim = await make(backend);
    const input = sim.externalInput('drive');
    const values = new Array(input.count).fill(1);
    expect(() => input.write(values.map((v, k) => (k === 3 ? NaN : v)))).toThrow(/write: values\[3\] is NaN; inputs must be finite/);
    const running = sim.run({ steps: 20 });
    expect(() => input.write(values)).toThrow(/write: a run\(\) of this simulation is in progress/);
    await running;
    input.write(values);
    sim.destroy();
    device.pushErrorScope('validation');
    expect(() => input.write(values)).toThrow(/write: this simulation was destroyed/);
    expect(await device.popErrorScope()).toBeNull();
  });

  test('a state turned non-finite in encoded steps is reported by the next run(), naming the neuron and the encoded step', async () => {
    const { device } = await testGpu();
    // No threshold, so no reset rescues it: v grows by dt · I each step and passes f32's largest value.
    const sim = await createSimulation({
      dt: 1, seed: 1,
      populations: [{ name: 'cells', size: 4, model: { name: 'leaky', summary: 'a leaky membrane', state: { v: { init: 0 } }, parameters: { tau: { default: 5 } }, equations: 'dv/dt = -v / tau + I' } }],
      inputs: [{ kind: 'external', name: 'drive', target: 'cells' }],
    }, { backend: 'gpu', device });
    made.push(sim);
    sim.externalInput('drive').write([0, 0, 3e38, 0]);
    const enc = device.createCommandEncoder();
    sim.encode(enc, 3);
    device.queue.submit([enc.finish()]);
    sim.externalInput('drive').write([0, 0, 0, 0]);
    await expect(sim.run({ steps: 2 })).rejects.toThrow(/non-finite state \(NaN or ±Inf\) in neuron 2 at step [0-2] /);
  });

  test('bad names, indices, lengths and duplicate names are refused by name', async () => {
    const sim = await make('gpu');
    expect(() => sim.externalInput('nope')).toThrow(/externalInput: no external input named 'nope'; the external inputs are 'drive' \(inputs\[0\]\), 'kick' \(inputs\[2\]\)/);
    expect(() => sim.externalInput(1)).toThrow(/no external input at inputs\[1\]/);
    expect(() => sim.externalInput('drive').write([1, 2])).toThrow(/write: 12 values \(2 copies × 6 neurons of lif\), got 2/);
    const net = closedLoop();
    net.inputs![2] = { kind: 'external', name: 'drive', target: 'izh' };
    expect(validateNetwork(net).issues).toContainEqual(expect.objectContaining({ path: 'inputs[2].name', message: expect.stringMatching(/'drive' names two external inputs/) }));
    sim.destroy();
    expect(() => sim.externalInput('drive')).toThrow(/destroyed/);
  });
});
