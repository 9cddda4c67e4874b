// Benchmark: the one engine against today's three engines, side by side in one run on the same
// adapter (issue 14's speed check: each case at most 1.1× today's wall time), with the one
// engine's dispatches per step and bytes moved per neuron-step, taken from its plan.
// Run after `npm run build`:  node bench/engine.js [--repeats 3] [--quick]
// --quick shortens every case (for a software adapter); the ratio is what to read.
import { NetworkSimulation, networkPresets, createSimulation, izhikevich2003, SparseSimulation, cobahh, sparseIzhikevich, createCircuit } from '../dist/spikegpu.js';

const arg = (name, fallback) => { const k = process.argv.indexOf(`--${name}`); return k > 0 ? process.argv[k + 1] : fallback; };
const repeats = Number(arg('repeats', 3));
const quick = process.argv.includes('--quick');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median wall seconds of `steps` steps after a warm-up of 20 (pipelines compiled, first chunk read). */
async function wall(make, steps) {
  const walls = [];
  let sim;
  for (let r = 0; r < repeats; r++) {
    sim = await make();
    await sim.run({ steps: Math.min(20, steps) });
    const t0 = performance.now();
    await sim.run({ steps });
    walls.push((performance.now() - t0) / 1000);
    if (r < repeats - 1) sim.destroy();
  }
  return { seconds: median(walls), sim };
}

const HH_BATCH = quick ? 10_000 : 100_000;
const cases = [
  ['seed network, one workgroup', 1000,
    () => createSimulation(izhikevich2003({ seed: 1 }), { backend: 'gpu', launch: 'one-workgroup' }),
    () => NetworkSimulation.create(networkPresets.seedNetwork({ seed: 1 }), { backend: 'gpu', launch: 'one-workgroup' })],
  ['seed network, per step', 1000,
    () => createSimulation(izhikevich2003({ seed: 1 }), { backend: 'gpu', launch: 'per-step' }),
    () => NetworkSimulation.create(networkPresets.seedNetwork({ seed: 1 }), { backend: 'gpu', launch: 'per-step' })],
  ['COBAHH 4000', quick ? 500 : 2000,
    () => SparseSimulation.create(cobahh({ n: 4000, seed: 1 }), { backend: 'gpu' }),
    () => NetworkSimulation.create(networkPresets.cobahh({ n: 4000, seed: 1 }), { backend: 'gpu' })],
  ['sparse Izhikevich 10⁴ (in-degree 1000)', quick ? 100 : 1000,
    () => SparseSimulation.create(sparseIzhikevich({ n: 10_000, k: 1000, seed: 1 }), { backend: 'gpu' }),
    () => NetworkSimulation.create(networkPresets.sparseIzhikevich({ n: 10_000, k: 1000, seed: 1 }), { backend: 'gpu' })],
  [`batched HH ${HH_BATCH} (Neun, RK4, dt 0.01 ms)`, quick ? 200 : 1000,
    () => createCircuit({ dt: 0.01, integrator: 'rk4', neurons: [{ model: 'hodgkin_huxley', preset: 'neun', stimuli: [{ kind: 'constant', amplitude: 0.1 }] }], batch: { copies: HH_BATCH }, record: { spikes: false } }, { backend: 'gpu' }),
    () => NetworkSimulation.create({ dt: 0.01, seed: 0, populations: [{ name: 'hh', size: HH_BATCH, model: 'hodgkin_huxley', preset: 'neun', integrator: 'rk4' }], inputs: [{ kind: 'constant', target: 'hh', amplitude: 0.1 }], record: { spikes: false } }, { backend: 'gpu' })],
];

console.log(`the one engine against today's engines, median of ${repeats} (a warm-up of 20 steps excluded)\n`);
console.log('| network | steps | today s | one engine s | one / today | launch | dispatches per step | bytes per neuron-step | bytes per synaptic event |');
console.log('|---|---:|---:|---:|---:|---|---:|---:|---:|');
let adapter = '';
for (const [name, steps, today, one] of cases) {
  const a = await wall(today, steps);
  a.sim.destroy();
  const b = await wall(one, steps);
  const c = b.sim.costs();
  adapter = b.sim.backend;
  console.log(`| ${name} | ${steps} | ${a.seconds.toFixed(3)} | ${b.seconds.toFixed(3)} | ${(b.seconds / a.seconds).toFixed(2)} | ${b.sim.launch} | ${c.dispatchesPerStep.toFixed(2)} | ${c.bytesPerNeuronStep.toFixed(0)} | ${c.bytesPerSynapticEvent.toFixed(0)} |`);
  b.sim.destroy();
}
console.log(`\nadapter: ${adapter}`);
