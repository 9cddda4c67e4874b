// Programs compiled ahead of time (docs/programs.md): compileProgram's JSON, loaded by
// loadProgram, runs as createSimulation runs the description; what a loader cannot trust is refused.
import { afterEach, describe, expect, test } from 'vitest';
import { compileProgram } from '../src/program/compile';
import { decode, encode, integrityOf } from '../src/program/format';
import { type GpuProgram, ProgramError, loadProgram } from '../src/program/load';
import { createSimulation } from '../src/run/create';
import type { Simulation } from '../src/run/simulation';
import type { Network } from '../src/spec/network';
import { microcircuit } from '../src/spec/presets/microcircuit';
import { seedNetwork } from '../src/spec/presets/seed_network';
import { cobahh, sparseIzhikevich } from '../src/spec/presets/sparse';
import { LIBRARY } from '../src/version';
import { testGpu } from './helpers';

const made: Simulation[] = [];
afterEach(() => { for (const sim of made.splice(0)) sim.destroy(); });
const keep = (sim: Simulation) => { made.push(sim); return sim; };

/** The program as a page gets it: through JSON text. */
const throughJson = (p: GpuProgram): unknown => JSON.parse(JSON.stringify(p));

/** A program with one field changed and its integrity made to match (as a deliberate forgery would). */
function forged(p: GpuProgram, change: (q: GpuProgram) => void): GpuProgram {
  const q = structuredClone(p);
  change(q);
  return { ...q, integrity: integrityOf(q) };
}

/** Probes, a batch of two copies varying a rate, Poisson input, exponential synapses with delays, and non-finite numbers in a model. */
const mixed = (): Network => ({
  dt: 0.1, seed: 11,
  populations: [
    { name: 'exc', size: 40, model: 'iaf_psc_exp', init: { v: { uniform: [-70, -55] } } },
    { name: 'inh', size: 10, model: 'lif' },
  ],
  projections: [
    { name: 'ee', source: 'exc', target: 'exc', connectivity: { rule: 'fixed-total', n: 200 }, synapse: { kind: 'pulse', target: 'i_ex' }, weight: { normal: [90, 9], min: 0 }, delay: { normal: [15, 7], min: 1 }, storage: 'procedural' },
    { name: 'ei', source: 'exc', target: 'inh', connectivity: { rule: 'all-to-all' }, synapse: { kind: 'pulse', target: 'I' }, weight: 0.4 },
  ],
  inputs: [{ kind: 'poisson', target: 'exc', variable: 'i_ex', rate: 9000, weight: 90 }],
  record: { spikes: true, rates: true, probes: [{ population: 'exc', variable: 'v', neurons: [0, 5] }] },
  batch: { copies: 2, vary: [{ path: 'inputs.0.rate', values: [9000, 12000] }] },
});

/** A leaky neuron whose drive is 3 / (1 + exp(1 / a)): with a = -0 it is 3 and it fires, with a = +0 it is 0 (per neuron, in the tables; WGSL may drop a zero's sign, so only the loaded and the direct GPU runs are compared). */
const negativeZero = (): Network => ({
  dt: 0.5, seed: 1,
  populations: [{
    name: 'n', size: 4, init: { v: -0 }, parameters: { a: [-0, -0, -0, 1] },
    model: { name: 'signed', summary: 'fires only when a is -0', state: { v: { init: 0 } }, parameters: { a: { default: 1 } }, equations: 'dv/dt = 3 / (1 + exp(1 / a)) - v / 10', threshold: 'v > 1', reset: 'v = 0' },
  }],
  record: { spikes: true },
});

describe('a compiled program runs as the description does', () => {
  test.each([
    ['the seed network (200 neurons)', seedNetwork({ neurons: 200, seed: 1 }), 300],
    ['a batch with probes, Poisson input and procedural fixed-total rows', mixed(), 400],
    ['the microcircuit at scale 0.01, procedural', microcircuit({ scale: 0.01, storage: 'procedural' }), 150],
    ['COBAHH 200: rows the GPU draws, placed at load', cobahh({ n: 200, seed: 4 }), 200],
    ['sparse Izhikevich 300 (fixed in-degree, uniform weights: stores with weight words)', sparseIzhikevich({ n: 300, k: 30, seed: 2 }), 200],
    ['a network recording no spikes (rates only)', { ...seedNetwork({ neurons: 40, seed: 5 }), record: { spikes: false, rates: true } }, 100],
    ['a description holding -0 where its sign matters (1 / -0 is -inf)', negativeZero(), 100],
  ] as [string, Network, number][])('%s: the same spikes, rates, traces and state, bit for bit', async (_, net, steps) => {
    const { device } = await testGpu();
    const program = compileProgram(net);
    const a = keep(await createSimulation(net, { backend: 'gpu', device }));
    const b = keep(await loadProgram(throughJson(program), { device }));
    await a.run({ steps });
    await b.run({ steps });
    const sa = a.spikes(), sb = b.spikes();
    expect(net.record?.spikes === false ? a.summary().spikes : sa.step.length).toBeGreaterThan(0);
    expect(Array.from(sb.step)).toEqual(Array.from(sa.step));
    expect(Array.from(sb.neuron)).toEqual(Array.from(sa.neuron));
    expect(Array.from(sb.copy)).toEqual(Array.from(sa.copy));
    expect(b.summary().meanRateHz).toEqual(a.summary().meanRateHz);
    for (const p of net.populations) expect(await b.readState(p.name, 'v')).toEqual(await a.readState(p.name, 'v'));
    if (net.record?.probes) expect(Array.from(b.trace(0))).toEqual(Array.from(a.trace(0)));
    if (net.record?.rates) for (const p of net.populations) expect(Array.from(b.rates(p.name))).toEqual(Array.from(a.rates(p.name)));
    expect(b.launch).toBe(a.launch);
  });
});

describe('what a loader cannot trust is refused, by field', () => {
  const program = compileProgram(seedNetwork({ neurons: 20, seed: 2 }));

  test.each([
    ['not an object', 42, /^program\.format: a program is an object/],
    ['a network description, not a program', seedNetwork({ neurons: 20 }), /^program\.format: must be 'spikegpu-program', got undefined: not a compiled program/],
    ['another format version', { ...program, formatVersion: 2 }, /^program\.formatVersion: this spikegpu reads version 1, got 2/],
    ['another spikegpu version or build', { ...program, library: '0.0.1+abc' }, new RegExp(`^program\\.library: compiled by spikegpu "0\\.0\\.1\\+abc"; this is ${LIBRARY.replace(/[.+]/g, '\\$&')}: compile it again with this build`)],
    ['code missing', { ...program, code: undefined }, /^program\.code: must be a string, got undefined/],
    ['a weight edited in the JSON', (() => { const q = structuredClone(program) as unknown as { network: { projections: { connectivity: { scale: number } }[] } }; q.network.projections[0]!.connectivity.scale = 5; return q; })(), /^program\.integrity: the program was changed after it was compiled/],
  ] as [string, unknown, RegExp][])('%s', async (_, bad, message) => {
    const { device } = await testGpu();
    const error = await loadProgram(bad, { device }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProgramError);
    expect((error as Error).message).toMatch(message);
  });

  test('a program whose network no longer matches its code (sizes forged, integrity recomputed) is refused at its layout, and frees what it made', async () => {
    const { device } = await testGpu();
    const bad = forged(program, (q) => { (q.network as { populations: { size: number }[] }).populations[0]!.size = 17; });
    await expect(loadProgram(bad, { device })).rejects.toThrow(/^program\.layout: the network drawn here is laid out unlike the one the code was compiled for/);
  });

  test('a program\'s structure is checked before anything is built: too few models, a tag it never writes', async () => {
    const { device } = await testGpu();
    await expect(loadProgram(forged(program, (q) => { q.models = (q.models as unknown[]).slice(1); }), { device })).rejects.toThrow(/^program\.models: has 1 models for 2 populations$/);
    await expect(loadProgram(forged(program, (q) => { (q.network as { seed: unknown }).seed = { $typed: 'Buffer', values: [] }; }), { device })).rejects.toThrow(/^program\.network: holds a typed array tagged "Buffer", which no compiled program writes$/);
    await expect(loadProgram({ ...program, stepsPerSubmit: 0 }, { device })).rejects.toThrow(/^program\.stepsPerSubmit: must be a whole number ≥ 1, got 0$/);
  });

  test('the integrity hash does not depend on the order of keys (a tool that sorts them)', async () => {
    const { device } = await testGpu();
    const sort = (x: unknown): unknown => (Array.isArray(x) ? x.map(sort) : typeof x === 'object' && x !== null
      ? Object.fromEntries(Object.keys(x).sort().reverse().map((k) => [k, sort((x as Record<string, unknown>)[k])])) : x);
    keep(await loadProgram(sort(throughJson(program)), { device }));
  });

  test('options are checked as createSimulation checks them, then against the program', async () => {
    const { device } = await testGpu();
    await expect(loadProgram(program, { device, backend: 'cuda' as never })).rejects.toThrow(/^backend must be 'cpu' or 'gpu', got "cuda"/);
    await expect(loadProgram(program, { device, threads: 8 })).rejects.toThrow(/^threads: an option of the CPU backend; a compiled program runs on the GPU/);
  });

  test('options the program fixed must agree; the CPU backend is not its', async () => {
    const { device } = await testGpu();
    await expect(loadProgram(program, { device, stepsPerSubmit: 10 })).rejects.toThrow(`stepsPerSubmit: the program was compiled for ${program.stepsPerSubmit}, got 10; compile it with stepsPerSubmit 10`);
    await expect(loadProgram(program, { device, backend: 'cpu' })).rejects.toThrow(/^backend: a compiled program runs on the GPU/);
    const sim = keep(await loadProgram(program, { device, stepsPerSubmit: program.stepsPerSubmit }));
    expect(sim.step).toBe(0);
  });

  test('the device check uses the footprint the compiler estimated: the same refusal as createSimulation', async () => {
    const { device } = await testGpu();
    const net = seedNetwork({ neurons: 20, seed: 2 });
    const live = await createSimulation(net, { backend: 'gpu', device, memoryLimit: 1000 }).then(() => new Error('built'), (e: unknown) => e as Error);
    const loaded = await loadProgram(program, { device, memoryLimit: 1000 }).then(() => new Error('built'), (e: unknown) => e as Error);
    expect(live.message).toMatch(/^invalid network description:\n {2}populations: this network of 20 neurons needs about/);
    expect(loaded.message).toBe(live.message);
  });
});

describe('compileProgram', () => {
  test('rows the GPU draws are placed by the device at load: split over several stores there, the same spikes', async () => {
    const { device } = await testGpu();
    const net = cobahh({ n: 200, seed: 4 }), program = throughJson(compileProgram(net));
    const a = keep(await createSimulation(net, { backend: 'gpu', device }));
    // At most 600 synapses a store: the loader places rows the compiler never saw split.
    const b = keep(await loadProgram(program, { device, maxStoreSynapses: 600 }));
    await a.run({ steps: 200 });
    await b.run({ steps: 200 });
    expect(b.launch).toBe('per-step');
    expect(b.spikes().step.length).toBeGreaterThan(0);
    expect(Array.from(b.spikes().neuron)).toEqual(Array.from(a.spikes().neuron));
    expect(Array.from(b.spikes().step)).toEqual(Array.from(a.spikes().step));
  });

  test('validates the description first, by field', () => {
    expect(() => compileProgram({ ...seedNetwork({ neurons: 20 }), dt: -1 })).toThrow(/^invalid network description:\n {2}dt: /);
  });

  test('keeps -0, non-finite numbers and typed arrays (a Buffer as the Uint8Array it is) through JSON', () => {
    const value = { z: -0, n: NaN, i: -Infinity, f: Float32Array.of(-0, 1.5), b: Buffer.from([1, 2]), m: new Map([['k', [0, -0]]]) };
    const back = decode(JSON.parse(JSON.stringify(encode(value))), 'network') as typeof value;
    expect(Object.is(back.z, -0)).toBe(true);
    expect(back.n).toBeNaN();
    expect(back.i).toBe(-Infinity);
    expect(back.f).toEqual(Float32Array.of(-0, 1.5));
    expect(Object.is(back.f[0], -0)).toBe(true);
    expect(back.b).toEqual(Uint8Array.of(1, 2));
    expect(Object.is(back.m.get('k')![1], -0)).toBe(true);
  });

  test('is plain JSON, the same text for the same description', () => {
    const a = JSON.stringify(compileProgram(mixed())), b = JSON.stringify(compileProgram(mixed()));
    expect(a).toBe(b);
    expect(JSON.stringify(JSON.parse(a))).toBe(a);
  });
});
