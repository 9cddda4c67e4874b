// Benchmark: batched Hodgkin–Huxley (issue 3). B independent Neun HH neurons (RK4, dt = 0.01 ms,
// constant input so they fire: one population of B, no synapses), GPU against the CPU reference, in
// neuron-steps per second and as a ratio, plus the neuron phase's memory traffic from the plan.
// Run after `npm run build`:  node bench/hh-batch.js [--batches 1,1000,100000,1000000] [--ms 100] [--cpu-ms 2] [--json FILE]
// The target run is 100 ms (10⁴ steps) per batch size; --ms shortens it on slow (software)
// adapters. Rates are measured over the steps actually run, never extrapolated to a time.
import { writeFileSync } from 'node:fs';
import { arg, hhBatch } from './common.js';
import { createSimulation } from '../dist/node.js';

const batches = arg('batches', '1,1000,100000,1000000').split(',').map(Number);
const gpuMs = Number(arg('ms', 100));
const cpuMs = Number(arg('cpu-ms', 2));
const cpuMaxNeuronSteps = Number(arg('cpu-max', 2e8));
const DT = hhBatch(1).dt;

async function measure(copies, backend, ms) {
  const sim = await createSimulation(hhBatch(copies), { backend, stepsPerSubmit: 1000 });
  try {
    await sim.run({ steps: 100 }); // warm-up: pipeline compilation, JIT
    const steps = Math.max(1, Math.round(ms / DT));
    const t0 = performance.now();
    await sim.run({ steps });
    const wall = (performance.now() - t0) / 1000;
    const v = await sim.readState('hh', 'v');
    if (!Number.isFinite(v[0])) throw new Error('non-finite state');
    return { steps, wall, rate: (copies * steps) / wall, adapter: sim.backend, bytes: sim.costs()?.bytesPerNeuronStep ?? null };
  } finally {
    sim.destroy();
  }
}

const rows = [];
for (const B of batches) {
  const gpu = await measure(B, 'gpu', gpuMs);
  const cpuSteps = Math.max(1, Math.min(Math.round(cpuMs / DT), Math.floor(cpuMaxNeuronSteps / B)));
  const cpu = B * cpuSteps <= cpuMaxNeuronSteps ? await measure(B, 'cpu', cpuSteps * DT) : null;
  rows.push({ B, gpu, cpu });
  console.error(`B = ${B}: GPU ${gpu.rate.toExponential(3)} neuron-steps/s${cpu ? `, CPU ${cpu.rate.toExponential(3)}` : ''}`);
}
console.log(`batched HH (Neun, RK4, dt = ${DT} ms), GPU: ${rows[0].gpu.adapter}\n`);
console.log('| B | GPU steps | GPU wall s | GPU neuron-steps/s | GPU GB/s (neuron phase) | CPU steps | CPU neuron-steps/s | GPU / CPU |');
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const { B, gpu, cpu } of rows) {
  console.log(`| ${B} | ${gpu.steps} | ${gpu.wall.toFixed(3)} | ${gpu.rate.toExponential(3)} | ${((gpu.rate * gpu.bytes) / 1e9).toFixed(1)} | ` +
    `${cpu ? cpu.steps : '–'} | ${cpu ? cpu.rate.toExponential(3) : '–'} | ${cpu ? (gpu.rate / cpu.rate).toFixed(1) : '–'} |`);
}
const json = arg('json');
if (json) writeFileSync(json, JSON.stringify({ date: new Date().toISOString(), dt: DT, rows }, null, 2));
