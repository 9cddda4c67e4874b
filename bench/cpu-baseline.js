// Benchmark: the one engine's CPU backend against the tools users would otherwise compare with
// (issue 14), in one run on this machine, single-threaded:
//   the seed network (1000 Izhikevich, dense S, noise), 1000 steps: ours (f64) against the seed's numpy program;
//   COBAHH 4000 (p = 0.02), 1 s: ours (f64) against Brian2 2.5.1's cpp_standalone (bench/cobahh_brian2.py).
// Run after `npm run build`:  node bench/cpu-baseline.js [--repeats N] [--cobahh-ms 1000]
// Needs python3 with numpy, and for Brian2: apt-get install python3-brian g++ (rows are skipped without them).
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg, median } from './common.js';
import { cobahh, createSimulation, seedNetwork } from '../dist/spikegpu.js';

const here = dirname(fileURLToPath(import.meta.url));
const repeats = Number(arg('repeats', 3));
const cobahhMs = Number(arg('cobahh-ms', 1000));

/** Median wall seconds of the run alone (network built beforehand), over `repeats` runs. */
async function ours(net, steps) {
  const walls = [];
  let spikes = 0;
  for (let r = 0; r < repeats; r++) {
    const sim = await createSimulation(net);
    const t0 = performance.now();
    await sim.run({ steps });
    walls.push((performance.now() - t0) / 1000);
    spikes = sim.summary().spikes;
    sim.destroy();
  }
  return { seconds: median(walls), spikes };
}

function python(script, args) {
  try {
    const out = execFileSync('/usr/bin/python3', [join(here, script), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return JSON.parse(out.trim().split('\n').pop());
  } catch (e) {
    console.error(`(${script} did not run: ${e.message.split('\n')[0]})`);
    return null;
  }
}

const rows = [];
const seed = await ours(seedNetwork({ seed: 0 }), 1000);
const numpy = python('seed_numpy.py', [String(repeats)]);
rows.push(['seed network, 1000 × 1 ms', 'spikegpu CPU (f64, generated JS)', seed.seconds, seed.spikes]);
if (numpy) rows.push(['seed network, 1000 × 1 ms', `the seed's numpy program (numpy ${numpy.numpy})`, numpy.wallSeconds, numpy.spikes]);
const cob = await ours(cobahh({ n: 4000, seed: 1 }), Math.round(cobahhMs / 0.1));
const brian = python('cobahh_brian2.py', ['--duration', String(cobahhMs)]);
rows.push([`COBAHH 4000, ${cobahhMs} ms`, 'spikegpu CPU (f64, generated JS)', cob.seconds, cob.spikes]);
if (brian) rows.push([`COBAHH 4000, ${cobahhMs} ms`, `Brian2 ${brian.brian2} cpp_standalone, 1 thread`, brian.seconds, brian.spikes]);

console.log(`CPU baselines, single-threaded, median of ${repeats} (the network built beforehand; Brian2: its own run time, compilation excluded)\n`);
console.log('| network | simulator | wall s | spikes |');
console.log('|---|---|---:|---:|');
for (const [net, who, s, n] of rows) console.log(`| ${net} | ${who} | ${s.toFixed(3)} | ${n} |`);
if (numpy) console.log(`\nseed network: numpy time / ours = ${(numpy.wallSeconds / seed.seconds).toFixed(2)} (above 1: ours is faster)`);
if (brian) console.log(`COBAHH 4000: Brian2 cpp_standalone time / ours = ${(brian.seconds / cob.seconds).toFixed(2)} (above 1: ours is faster)`);
