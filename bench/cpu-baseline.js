// Benchmark: the one engine's CPU backend against the tools users would otherwise compare with
// (issue 14), in one run on this machine, ours single-threaded and with threads: 'auto' (every core):
//   the seed network (1000 Izhikevich, dense S, noise), 1000 steps: ours (f64) against the seed's numpy program;
//   COBAHH 4000 (p = 0.02), 1 s: ours (f64) against Brian2 2.5.1's cpp_standalone, 1 thread (bench/cobahh_brian2.py).
// Run after `npm run build`:  node bench/cpu-baseline.js [--repeats N] [--cobahh-ms 1000]
// Needs python3 with numpy, and for Brian2: apt-get install python3-brian g++ (rows are skipped without them).
import { availableParallelism } from 'node:os';
import { arg, median, python } from './common.js';
import { cobahh, createSimulation, seedNetwork } from '../dist/node.js';

const repeats = Number(arg('repeats', 3));
const cobahhMs = Number(arg('cobahh-ms', 1000));

/** Median wall seconds of the run alone (network and worker threads started beforehand), over `repeats` runs. */
async function ours(net, steps, threads = 1) {
  const walls = [];
  let spikes = 0;
  for (let r = 0; r < repeats; r++) {
    const sim = await createSimulation(net, { threads });
    const t0 = performance.now();
    await sim.run({ steps });
    walls.push((performance.now() - t0) / 1000);
    spikes = sim.summary().spikes;
    sim.destroy();
  }
  return { seconds: median(walls), spikes };
}

const cores = availableParallelism();
const oursName = (threads) => `spikegpu CPU (f64, generated WebAssembly SIMD), ${threads === 1 ? '1 thread' : `threads 'auto' (${cores})`}`;
const rows = [];
const seedNet = seedNetwork({ seed: 0 }), cobNet = cobahh({ n: 4000, seed: 1 }), cobSteps = Math.round(cobahhMs / 0.1);
const seed = await ours(seedNet, 1000), seedAuto = await ours(seedNet, 1000, 'auto');
const numpy = python('seed_numpy.py', [String(repeats)]);
rows.push(['seed network, 1000 × 1 ms', oursName(1), seed.seconds, seed.spikes]);
rows.push(['seed network, 1000 × 1 ms', oursName('auto'), seedAuto.seconds, seedAuto.spikes]);
if (numpy) rows.push(['seed network, 1000 × 1 ms', `the seed's numpy program (numpy ${numpy.numpy})`, numpy.wallSeconds, numpy.spikes]);
const cob = await ours(cobNet, cobSteps), cobAuto = await ours(cobNet, cobSteps, 'auto');
const brian = python('cobahh_brian2.py', ['--duration', String(cobahhMs)]);
rows.push([`COBAHH 4000, ${cobahhMs} ms`, oursName(1), cob.seconds, cob.spikes]);
rows.push([`COBAHH 4000, ${cobahhMs} ms`, oursName('auto'), cobAuto.seconds, cobAuto.spikes]);
if (brian) rows.push([`COBAHH 4000, ${cobahhMs} ms`, `Brian2 ${brian.brian2} cpp_standalone, 1 thread`, brian.seconds, brian.spikes]);

console.log(`CPU baselines on ${cores} cores, median of ${repeats} (the network built and the workers started beforehand; Brian2: its own run time, compilation excluded)\n`);
console.log('| network | simulator | wall s | spikes |');
console.log('|---|---|---:|---:|');
for (const [net, who, s, n] of rows) console.log(`| ${net} | ${who} | ${s.toFixed(3)} | ${n} |`);
const ratio = (theirs, mine) => (theirs / mine.seconds).toFixed(2);
console.log('\nTheir time / ours (above 1: ours is faster):');
if (numpy) console.log(`seed network: numpy / ours = ${ratio(numpy.wallSeconds, seed)} with 1 thread, ${ratio(numpy.wallSeconds, seedAuto)} with threads 'auto'`);
if (brian) console.log(`COBAHH 4000: Brian2 cpp_standalone / ours = ${ratio(brian.seconds, cob)} with 1 thread, ${ratio(brian.seconds, cobAuto)} with threads 'auto'`);
// The threads must not change a single spike.
if (seedAuto.spikes !== seed.spikes || cobAuto.spikes !== cob.spikes) console.log('WARNING: threads changed the spike counts');
