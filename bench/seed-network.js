// Benchmark: the seed network (1000 Izhikevich neurons, dense S, noise) for 1000 ms on the GPU
// (both launch shapes), the CPU reference (f64, f32) and the seed's numpy program, in one run.
// Run after `npm run build`:  node bench/seed-network.js [--repeats N] [--json FILE]
import { writeFileSync } from 'node:fs';
import { arg, median, python } from './common.js';
import { createSimulation, seedNetwork } from '../dist/node.js';

const repeats = Number(arg('repeats', 5));
const STEPS = 1000;

/** Median wall time of `repeats` runs of 1000 steps; setup (plan, upload, pipeline) excluded. */
async function time(options) {
  const walls = [];
  let adapter = '', spikes = 0;
  for (let r = 0; r < repeats + 1; r++) {
    const sim = await createSimulation(seedNetwork({ seed: r }), options);
    const t0 = performance.now();
    await sim.run({ steps: STEPS });
    const wall = (performance.now() - t0) / 1000;
    if (r > 0) walls.push(wall); // the first run warms up shader compilation and the JIT
    adapter = sim.backend;
    spikes = sim.summary().spikes;
    sim.destroy();
  }
  return { wallSeconds: median(walls), minSeconds: Math.min(...walls), adapter, spikes };
}

const rows = [];
const add = (name, r) => rows.push({ name, ...r, realTime: 1 / r.wallSeconds });
add('gpu one-workgroup', await time({ backend: 'gpu', launch: 'one-workgroup', stepsPerSubmit: 1000 }));
add('gpu per-step', await time({ backend: 'gpu', launch: 'per-step', stepsPerSubmit: 250 }));
add('cpu f64', await time({ backend: 'cpu' }));
add('cpu f32', await time({ backend: 'cpu', precision: 'f32' }));
const np = python('seed_numpy.py', [String(Math.max(3, Math.min(repeats, 5)))]);
if (np) add(`seed numpy ${np.numpy}`, { wallSeconds: np.wallSeconds, minSeconds: np.wallSeconds, adapter: 'python3 + numpy', spikes: np.spikes });

const cpu = rows.find((r) => r.name === 'cpu f64').wallSeconds;
const numpy = rows.find((r) => r.name.startsWith('seed numpy'))?.wallSeconds;
console.log(`seed network, ${STEPS} steps of 1 ms, median of ${repeats} runs (setup excluded)\n`);
console.log('| run | wall ms | real-time factor | CPU f64 / this | numpy / this | spikes | adapter |');
console.log('|---|---:|---:|---:|---:|---:|---|');
for (const r of rows) {
  console.log(`| ${r.name} | ${(1000 * r.wallSeconds).toFixed(1)} | ${r.realTime.toFixed(1)}× | ${(cpu / r.wallSeconds).toFixed(2)} | ${numpy ? (numpy / r.wallSeconds).toFixed(2) : '–'} | ${r.spikes} | ${r.adapter} |`);
}
const json = arg('json');
if (json) writeFileSync(json, JSON.stringify({ date: new Date().toISOString(), steps: STEPS, repeats, rows }, null, 2));
