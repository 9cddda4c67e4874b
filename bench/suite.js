// The benchmark suite of issue #5 in one run: the seed network (1000 neurons, dense), sparse
// Izhikevich with fixed in-degree 1000 for N = 10³ … 10⁶, and COBAHH scaled (p = 1000/N, weights 0,
// dt = 0.1 ms, recording off) for N = 4000 … 1,024,000; each 1000 ms of simulated time, on the GPU
// and, where it finishes in reasonable time, on the CPU reference in the same run. Then issue 16's
// cortical microcircuit at scales 0.1, 0.5 and 1: build time apart, 1 s measured after 0.1 s of
// warm-up with spikes recorded.
// Writes bench/results/<date>-<adapter>.{json,md,svg}.
// Networks up to --shapes-max-n run on the GPU in both launch shapes (one workgroup looping over
// steps, and dispatches per step) to find where one stops paying off; larger ones per step.
// COBAHH runs with stored and with procedural connectivity (rows drawn again at each spike), to
// choose the storage by measurement.
// Run after `npm run build`:
//   node bench/suite.js [--quick] [--only seed,izhikevich,cobahh,microcircuit] [--max-n N] [--cpu-max-n N] [--shapes-max-n N]
//                       [--duration MS] [--memory-limit BYTES] [--peak-bandwidth B/s] [--out DIR]
//                       [--scales 0.1,0.5,1] [--cpu-max-scale S]
// The results are rewritten after every case, so a run cut short (a time limit, a crash in the
// driver) still leaves what it measured.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg, flag } from './common.js';
import { cobahh, createSimulation, lineChartSvg, microcircuit, microcircuitParameters, seedNetwork, sparseIzhikevich } from '../dist/node.js';

const here = dirname(fileURLToPath(import.meta.url));
const quick = flag('quick');
const maxN = Number(arg('max-n', quick ? 16000 : 1_024_000));
const cpuMaxN = Number(arg('cpu-max-n', quick ? 4000 : 16000));
const durationMs = Number(arg('duration', quick ? 100 : 1000));
const shapesMaxN = Number(arg('shapes-max-n', quick ? 4000 : 64000));
const memoryLimit = arg('memory-limit') ? Number(arg('memory-limit')) : undefined;
const SUITES = ['seed', 'izhikevich', 'cobahh', 'microcircuit'];
const scales = arg('scales', quick ? '0.02' : '0.1,0.5,1').split(',').map(Number);
const cpuMaxScale = Number(arg('cpu-max-scale', quick ? 0.02 : 0.1));
const only = arg('only', SUITES.join(',')).split(',');
for (const name of only) if (!SUITES.includes(name)) throw new Error(`--only takes ${SUITES.join(', ')}; got ${name}`);
const outDir = arg('out', join(here, 'results'));
const date = new Date().toISOString().slice(0, 10);

const rows = [];
let adapter = 'unknown';

/** Bytes the run moved, from the plan's costs (GPU): the neuron phase per neuron-step, the propagation per synaptic event. */
function bytesMoved(costs, n, steps, events) {
  return costs === null ? null : n * steps * costs.bytesPerNeuronStep + events * costs.bytesPerSynapticEvent;
}

/** Synapses of a network: exact for fixed in-degree, the expectation for fixed probability. */
function synapsesOf(net) {
  const size = new Map(net.populations.map((p) => [p.name, p.size]));
  return (net.projections ?? []).reduce((all, pr) => {
    const c = pr.connectivity, pre = size.get(pr.source), post = size.get(pr.target);
    return all + (c.rule === 'fixed-in-degree' ? c.k * post : c.rule === 'fixed-probability' ? c.p * pre * post : NaN);
  }, 0);
}

/** The network with every projection's rows stored or drawn again at each spike. */
const withStorage = (net, storage) => ({ ...net, projections: net.projections.map((pr) => ({ ...pr, storage: storage === 'procedural' ? 'procedural' : 'auto' })) });

async function sparseCase(suite, desc, n, backend, launch, connectivity = 'stored') {
  const sim = await createSimulation(withStorage(desc, connectivity), { backend, memoryLimit, launch });
  try {
    adapter = backend === 'gpu' ? sim.backend : adapter;
    if (backend === 'gpu') backend = `gpu ${sim.launch}${connectivity === 'procedural' ? ' procedural' : ''}`;
    await sim.run({ steps: 10 }); // warm-up: pipelines, JIT
    const steps = Math.round(durationMs / desc.dt);
    const r = await sim.run({ steps });
    const spikes = r.spikes;  // counted on every backend, recorded or not
    const synapses = synapsesOf(desc);
    const events = spikes * (synapses / n);
    const bytes = bytesMoved(sim.costs(), n, r.steps, events);
    const perSimSecond = r.wallSeconds / (durationMs / 1000);
    rows.push({
      suite, n, backend, adapter: sim.backend, synapses, simulatedMs: durationMs, wallSeconds: r.wallSeconds,
      secondsPerSimulatedSecond: perSimSecond, realTime: 1 / perSimSecond,
      neuronUpdatesPerSecond: (n * r.steps) / r.wallSeconds,
      synapticEventsPerSecond: events / r.wallSeconds,
      bytesPerSecond: bytes === null ? null : bytes / r.wallSeconds,
      spikes,
    });
    console.log(`${suite} N=${n} ${backend}: ${r.wallSeconds.toFixed(3)} s for ${durationMs} ms`);
    save();
  } finally {
    sim.destroy();
  }
}

// 1. The seed network, dense.
for (const backend of only.includes('seed') ? ['gpu', 'cpu'] : []) {
  const sim = await createSimulation(seedNetwork({ seed: 1 }), { backend, launch: backend === 'gpu' ? 'one-workgroup' : undefined, stepsPerSubmit: 1000 });
  if (backend === 'gpu') adapter = sim.backend;
  await sim.run({ steps: 10 });
  const t0 = performance.now();
  await sim.run({ steps: durationMs });
  const wall = (performance.now() - t0) / 1000;
  rows.push({ suite: 'seed network (dense)', n: 1000, backend: backend === 'gpu' ? 'gpu one-workgroup' : backend, adapter: sim.backend, synapses: 1e6, simulatedMs: durationMs, wallSeconds: wall,
    secondsPerSimulatedSecond: wall / (durationMs / 1000), realTime: durationMs / 1000 / wall, neuronUpdatesPerSecond: (1000 * durationMs) / wall,
    synapticEventsPerSecond: null, bytesPerSecond: null, spikes: null });
  sim.destroy();
  console.log(`seed network ${backend}: ${wall.toFixed(3)} s`);
  save();
}

/** The runs of one network: GPU (both launch shapes when small; procedural rows too if asked), then the CPU when small. */
async function sparseCases(suite, desc, n, procedural = false) {
  const shapes = n <= shapesMaxN ? ['one-workgroup', 'per-step'] : ['auto'];
  const runs = shapes.flatMap((launch) => [['gpu', launch, 'stored'], ...(procedural ? [['gpu', launch, 'procedural']] : [])]);
  if (n <= cpuMaxN) runs.push(['cpu']);
  for (const [backend, launch, connectivity] of runs) {
    try { await sparseCase(suite, desc, n, backend, launch, connectivity); } catch (e) { console.log(`${suite} N=${n} ${backend} ${launch ?? ''} ${connectivity ?? ''}: ${e.message}`); }
  }
}

// 2. Sparse Izhikevich, fixed in-degree 1000 (fewer for N < 1000).
for (let n = 1000; only.includes('izhikevich') && n <= Math.min(maxN, 1_000_000); n *= 10) {
  await sparseCases('sparse Izhikevich (in-degree 1000)', { ...sparseIzhikevich({ n, k: Math.min(1000, n) }), record: { spikes: false, rates: true } }, n);
}

// 3. COBAHH scaled, recording off.
for (let n = 4000; only.includes('cobahh') && n <= Math.min(maxN, 1_024_000); n *= 2) {
  await sparseCases('COBAHH scaled', { ...cobahh({ n, scaled: true }), record: { spikes: false, rates: false } }, n, true);
}

// 4. The cortical microcircuit: build timed apart, 100 ms of warm-up, then 1000 ms measured (spikes recorded).
async function microcircuitCase(scale, backend) {
  const m = microcircuitParameters({ scale }), n = m.sizes.reduce((a, b) => a + b, 0), synapses = m.synapses.flat().reduce((a, b) => a + b, 0);
  // Past what the host may build (2²⁷ synapses, scale ≈ 0.67) the GPU draws rows again at each spike: how full scale runs.
  const storage = backend === 'gpu' && synapses > 2 ** 27 ? 'procedural' : 'stored';
  const desc = microcircuit({ scale, storage });
  const t0 = performance.now();
  const sim = await createSimulation(desc, { backend, memoryLimit });
  try {
    const buildSeconds = (performance.now() - t0) / 1000;
    if (backend === 'gpu') adapter = sim.backend;
    await sim.run({ duration: 100 });
    const from = sim.step, r = await sim.run({ duration: 1000 });
    // Recurrent synaptic events: each spike of population j reaches Σ_i n_ij / N_j synapses on average.
    const outDegree = m.sizes.map((nj, j) => m.synapses.reduce((s, row) => s + row[j], 0) / nj);
    const spikes = sim.spikes(from);
    let events = 0;
    for (let k = 0; k < spikes.step.length; k++) events += outDegree[spikes.population[k]];
    rows.push({
      suite: 'microcircuit', n, scale, backend: backend === 'gpu' ? `gpu ${sim.launch}${storage === 'procedural' ? ' procedural' : ''}` : backend, adapter: sim.backend,
      synapses, simulatedMs: 1000, buildSeconds, wallSeconds: r.wallSeconds,
      secondsPerSimulatedSecond: r.wallSeconds, realTime: 1 / r.wallSeconds, neuronUpdatesPerSecond: (n * r.steps) / r.wallSeconds,
      synapticEventsPerSecond: events / r.wallSeconds, bytesPerSecond: null, spikes: spikes.step.length,
    });
    console.log(`microcircuit scale ${scale} ${backend}: built in ${buildSeconds.toFixed(2)} s, 1 s simulated in ${r.wallSeconds.toFixed(3)} s`);
    save();
  } finally {
    sim.destroy();
  }
}
for (const scale of only.includes('microcircuit') ? scales : []) {
  for (const backend of scale <= cpuMaxScale ? ['gpu', 'cpu'] : ['gpu']) {
    try { await microcircuitCase(scale, backend); } catch (e) { console.log(`microcircuit scale ${scale} ${backend}: ${e.message}`); }
  }
}

console.log(save());

/** Writes the rows so far (with this run's GPU/CPU ratios) as JSON, Markdown and SVG; returns the Markdown. */
function save() {
  for (const r of rows) {
    const cpu = rows.find((c) => c.backend === 'cpu' && c.suite === r.suite && c.n === r.n);
    r.cpuOverGpu = r.backend.startsWith('gpu') && cpu ? cpu.wallSeconds / r.wallSeconds : null;
  }
  const peak = Number(arg('peak-bandwidth', /H100/.test(adapter) ? 2.85e12 : NaN)); // docs/platform.md: measured streaming on an H100
  for (const r of rows) r.bandwidthFraction = r.bytesPerSecond && Number.isFinite(peak) ? r.bytesPerSecond / peak : null;
  const slug = adapter.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 60).replace(/^-|-$/g, '');
  mkdirSync(outDir, { recursive: true });
  const part = only.length < SUITES.length ? `-${only.join('-')}` : '';
  const base = join(outDir, `${date}-${slug}${part}${quick ? '-quick' : ''}`);
  writeFileSync(`${base}.json`, JSON.stringify({ date, adapter, durationMs, quick, peakBandwidth: Number.isFinite(peak) ? peak : null, rows }, null, 2));
  const fmt = (x, d = 3) => (x === null || x === undefined ? '–' : x >= 1e5 ? x.toExponential(2) : x.toFixed(d));
  const md = [
    `Benchmark ${date} on ${adapter}; ${durationMs} ms simulated per case${quick ? ' (quick)' : ''}.`, '',
    '| suite | N | backend | synapses | build s | wall s per simulated s (real-time factor) | × real time | neuron updates/s | synaptic events/s | CPU/GPU | bandwidth (fraction of peak) |',
    '|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.suite}${r.scale ? ` ${r.scale}` : ''} | ${r.n} | ${r.backend} | ${fmt(r.synapses, 0)} | ${fmt(r.buildSeconds, 2)} | ${fmt(r.secondsPerSimulatedSecond, 4)} | ${fmt(r.realTime, 2)} | ${fmt(r.neuronUpdatesPerSecond)} | ${fmt(r.synapticEventsPerSecond)} | ${fmt(r.cpuOverGpu, 1)} | ${r.bytesPerSecond ? `${(r.bytesPerSecond / 1e9).toFixed(1)} GB/s` : '–'}${r.bandwidthFraction ? ` (${(100 * r.bandwidthFraction).toFixed(1)} %)` : ''} |`),
  ].join('\n');
  writeFileSync(`${base}.md`, md + '\n');
  if (rows.length) writeFileSync(`${base}.svg`, chart(rows));
  return `${md}\nwritten to ${base}.json, .md, .svg`;
}

/**
 * Log–log chart: wall seconds per simulated second against N, one line per suite and backend;
 * the colour is the suite, the dashes the backend (solid: the GPU in one workgroup).
 */
function chart(all) {
  const suites = [...new Set(all.map((r) => r.suite))];
  const dashes = { 'gpu one-workgroup': undefined, 'gpu per-step': '8 4', 'gpu one-workgroup procedural': '2 3', 'gpu per-step procedural': '8 3 2 3', cpu: '3 6' };
  const colours = ['#1f77b4', '#d62728', '#2ca02c'];
  const series = new Map();
  for (const r of all) {
    const key = `${r.suite} · ${r.backend}`;
    if (!series.has(key)) series.set(key, { x: [], y: [], label: key, markers: true, color: colours[suites.indexOf(r.suite) % colours.length], dash: dashes[r.backend] });
    series.get(key).x.push(r.n);
    series.get(key).y.push(r.secondsPerSimulatedSecond);
  }
  return lineChartSvg([...series.values()], {
    title: `${adapter}: ${durationMs} ms simulated per case`, xLabel: 'neurons N', yLabel: 'wall s per simulated s',
    xLog: true, yLog: true, legend: 'right', width: 1000, height: 460,
  });
}
