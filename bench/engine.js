// Benchmark: the one engine against the three engines of main before it (issue 14's speed check:
// each case at most 1.1× their wall time), side by side in one run on the same adapter, with the one
// engine's dispatches per step and bytes moved per neuron-step, taken from its plan. The earlier
// library is built from its commit by bench/baseline.sh (a git worktree; this checkout's packages).
// Run after `npm run build`:  node bench/engine.js [--repeats 3] [--quick] [--baseline COMMIT]
// --quick shortens every case (for a software adapter); the ratio is what to read.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { arg, flag, hhBatch, median } from './common.js';
import { createSimulation, seedNetwork, cobahh, sparseIzhikevich } from '../dist/node.js';

const here = dirname(fileURLToPath(import.meta.url));
const repeats = Number(arg('repeats', 3));
const quick = flag('quick');
const built = execFileSync('bash', [join(here, 'baseline.sh'), arg('baseline', 'dcb5109')], { encoding: 'utf8' }).trim().split('\n').pop();
const before = await import(pathToFileURL(built).href);

/** Wall seconds of `steps` steps after a warm-up of 20 (pipelines compiled, first chunk read); the simulation is kept. */
async function wall(make, steps) {
  const sim = await make();
  await sim.run({ steps: Math.min(20, steps) });
  const t0 = performance.now();
  await sim.run({ steps });
  return { seconds: (performance.now() - t0) / 1000, sim };
}

/** Median wall seconds of each engine, their runs taken in turn (before, one, before, …) so drift in this shared machine's speed falls on both. */
async function inTurn(before, one, steps) {
  const a = [], b = [];
  let last = null;
  for (let r = 0; r < repeats; r++) {
    const x = await wall(before, steps);
    x.sim.destroy();
    a.push(x.seconds);
    const y = await wall(one, steps);
    if (last) last.destroy();
    last = y.sim;
    b.push(y.seconds);
  }
  return { before: median(a), one: median(b), sim: last };
}

const HH_BATCH = quick ? 10_000 : 100_000;
const cases = [
  ['seed network, one workgroup', 1000,
    () => before.createSimulation(before.izhikevich2003({ seed: 1 }), { backend: 'gpu', launch: 'one-workgroup' }),
    () => createSimulation(seedNetwork({ seed: 1 }), { backend: 'gpu', launch: 'one-workgroup' })],
  ['seed network, per step', 1000,
    () => before.createSimulation(before.izhikevich2003({ seed: 1 }), { backend: 'gpu', launch: 'per-step' }),
    () => createSimulation(seedNetwork({ seed: 1 }), { backend: 'gpu', launch: 'per-step' })],
  ['COBAHH 4000', quick ? 500 : 2000,
    () => before.SparseSimulation.create(before.cobahh({ n: 4000, seed: 1 }), { backend: 'gpu' }),
    () => createSimulation(cobahh({ n: 4000, seed: 1 }), { backend: 'gpu' })],
  ['sparse Izhikevich 10⁴ (in-degree 1000)', quick ? 100 : 1000,
    () => before.SparseSimulation.create(before.sparseIzhikevich({ n: 10_000, k: 1000, seed: 1 }), { backend: 'gpu' }),
    () => createSimulation(sparseIzhikevich({ n: 10_000, k: 1000, seed: 1 }), { backend: 'gpu' })],
  [`batched HH ${HH_BATCH} (Neun, RK4, dt 0.01 ms)`, quick ? 200 : 1000,
    () => before.createCircuit({ dt: 0.01, integrator: 'rk4', neurons: [{ model: 'hodgkin_huxley', preset: 'neun', stimuli: [{ kind: 'constant', amplitude: 0.1 }] }], batch: { copies: HH_BATCH }, record: { spikes: false } }, { backend: 'gpu' }),
    () => createSimulation(hhBatch(HH_BATCH), { backend: 'gpu' })],
];

console.log(`the one engine against main before it (${built}), median of ${repeats} runs each, taken in turn (a warm-up of 20 steps excluded)\n`);
console.log('| network | steps | before s | one engine s | one / before | launch | dispatches per step | bytes per neuron-step | bytes per synaptic event |');
console.log('|---|---:|---:|---:|---:|---|---:|---:|---:|');
let adapter = '';
for (const [name, steps, today, one] of cases) {
  const t = await inTurn(today, one, steps);
  const c = t.sim.costs();
  adapter = t.sim.backend;
  console.log(`| ${name} | ${steps} | ${t.before.toFixed(3)} | ${t.one.toFixed(3)} | ${(t.one / t.before).toFixed(2)} | ${t.sim.launch} | ${c.dispatchesPerStep.toFixed(2)} | ${c.bytesPerNeuronStep.toFixed(0)} | ${c.bytesPerSynapticEvent.toFixed(0)} |`);
  t.sim.destroy();
}
console.log(`\nadapter: ${adapter}`);
