// The cortical microcircuit's rates per population against NEST's, as the reference measures them:
// spikes over [warm-up, warm-up + 1000 ms] per neuron, silent neurons counted, one run per seed.
// NEST's figures: at scale 1, network_params.py's full_mean_rates (one run, 4 threads); at scale
// 0.1, the means of its reference_data/rate{0..7}.dat (one run, seed 55), both at nest-simulator
// e0a0745546eb75f7d50a7e433c32d0c2b7376513 (docs/microcircuit.md). Run after `npm run build`:
//   node bench/microcircuit-rates.js [--scale 0.1] [--seeds 55,56,57,58] [--backend cpu|gpu]
//                                    [--storage stored|procedural] [--warmup 500] [--memory-limit BYTES]
import { arg } from './common.js';
import { MICROCIRCUIT_FULL_RATES, MICROCIRCUIT_POPULATIONS, createSimulation, microcircuit } from '../dist/node.js';

const NEST_TENTH = [0.402, 2.017, 3.880, 4.958, 6.575, 7.726, 0.831, 6.986];
const scale = Number(arg('scale', '0.1')), seeds = arg('seeds', '55,56,57,58').split(',').map(Number);
const backend = arg('backend', 'cpu'), storage = arg('storage', 'stored'), warmup = Number(arg('warmup', '500'));
const memoryLimit = arg('memory-limit') ? Number(arg('memory-limit')) : undefined;

const runs = [];
let adapter = '';
for (const seed of seeds) {
  const t0 = performance.now();
  const sim = await createSimulation(microcircuit({ scale, seed, storage }), { backend, memoryLimit });
  try {
    const build = (performance.now() - t0) / 1000;
    adapter = sim.backend;
    await sim.run({ duration: warmup });
    const from = sim.step, r = await sim.run({ duration: 1000 }), s = sim.spikes(from);
    const counts = sim.plan.populations.map(() => 0);
    for (let k = 0; k < s.step.length; k++) counts[s.population[k]]++;
    runs.push(sim.plan.populations.map((p, q) => counts[q] / p.size));
    console.error(`seed ${seed}: built in ${build.toFixed(1)} s, ${warmup} + 1000 ms, the last 1000 in ${r.wallSeconds.toFixed(1)} s`);
  } finally {
    sim.destroy();
  }
}
const mean = (q) => runs.reduce((a, r) => a + r[q], 0) / runs.length;
const sd = (q) => Math.sqrt(runs.reduce((a, r) => a + (r[q] - mean(q)) ** 2, 0) / Math.max(1, runs.length - 1));
const nest = scale === 1 ? MICROCIRCUIT_FULL_RATES : scale === 0.1 ? NEST_TENTH : null;
console.log([
  `Rates (spikes/s) over [${warmup}, ${warmup + 1000}] ms at scale ${scale}, ${storage} synapses, on ${adapter}; ${runs.length} seeds (${seeds.join(', ')}).`, '',
  `| population | ours, mean ± sd over seeds |${nest ? ' NEST (one run) |' : ''}`,
  `|---|---:|${nest ? '---:|' : ''}`,
  ...MICROCIRCUIT_POPULATIONS.map((p, q) => `| ${p} | ${mean(q).toFixed(3)} ± ${sd(q).toFixed(3)} |${nest ? ` ${nest[q].toFixed(3)} |` : ''}`),
].join('\n'));
