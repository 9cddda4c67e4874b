// The built command line (dist/cli.js, made by `npm test`'s build step, or $SPIKEGPU_CLI) end to
// end: what each command writes. Usage errors, help and list: tests/cli_usage.test.ts; the output
// folder and the progress bar: tests/cli_results.test.ts; docs/cli.md's examples: tests/cli_docs.test.ts.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, ownLines, run, tmp } from './cli_helpers';

describe('spikegpu run izhikevich2003', () => {
  it('is built', () => {
    expect(existsSync(CLI), `${CLI} is missing: run \`npm run build\` (npm test does), or set SPIKEGPU_CLI to a build`).toBe(true);
  });

  it.each(['gpu', 'cpu'])('writes spikes.csv, summary.json and raster.svg (%s)', async (backend) => {
    const out = join(tmp(), 'run');
    const r = await run(['run', 'izhikevich2003', '--backend', backend, '--neurons', '300', '--duration', '300', '--seed', '3', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const csv = readFileSync(join(out, 'spikes.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('t_ms,neuron');
    const rows = csv.slice(1).map((l) => l.split(',').map(Number));
    expect(rows.length).toBeGreaterThan(100);
    expect(rows.every(([t, n]) => t! >= 0 && t! < 300 && n! >= 0 && n! < 300)).toBe(true);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ neurons: 300, steps: 300, spikes: rows.length, backend });
    expect(summary.meanRateHz).toBeCloseTo(rows.length / 300 / 0.3, 6);
    expect(summary.wallSeconds).toBeGreaterThan(0);
    expect(summary.adapter).toMatch(backend === 'gpu' ? /\(/ : /CPU/);
    const svg = readFileSync(join(out, 'raster.svg'), 'utf8');
    expect(svg).toMatch(/^<svg/);
    expect((svg.match(/h0/g) ?? []).length).toBe(rows.length); // one dot per spike
    expect(r.stderr).not.toMatch(/\d%|steps/); // no progress bar on a pipe
  });

  it('runs Euler with a finer dt: steps = duration / dt, spike times in ms', async () => {
    const out = join(tmp(), 'euler');
    const r = await run(['run', 'izhikevich2003', '--backend', 'cpu', '--neurons', '200', '--duration', '100', '--dt', '0.5', '--integrator', 'euler', '--quiet', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ steps: 200, dt: 0.5, durationMs: 100, integrator: 'euler' });
    const times = readFileSync(join(out, 'spikes.csv'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[0]));
    expect(times.length).toBeGreaterThan(0);
    expect(times.every((t) => t >= 0 && t < 100 && Number.isInteger(t * 2))).toBe(true);
    expect(times.some((t) => !Number.isInteger(t))).toBe(true); // half-millisecond steps appear
  });

  it('the same seed gives the same spikes on the CPU, run after run', async () => {
    const [a, b] = [join(tmp(), 'a'), join(tmp(), 'b')];
    const args = ['run', 'izhikevich2003', '--backend', 'cpu', '--neurons', '200', '--duration', '200', '--quiet'];
    await run([...args, '--out', a]);
    await run([...args, '--out', b]);
    expect(readFileSync(join(a, 'spikes.csv'), 'utf8')).toBe(readFileSync(join(b, 'spikes.csv'), 'utf8'));
  });

  it.each([
    [['run', 'izhikevich2003', '--out', 'x', '--scenario', 'S9'], /--scenario must be one of original, S1, S2, S3, S4, S5, got S9/],
    [['run', 'izhikevich2003', '--out', 'x', '--neurons', '0'], /--neurons must be an integer in \[3, 1048576\], got 0/],
    [['run', 'izhikevich2003', '--out', 'x', '--duration', '-5'], /--duration must be/],
    [['run', 'izhikevich2003', '--out', 'x', '--types', 'RS,XX'], /--types must be EXC,INH/],
    [['run', 'izhikevich2003', '--out', 'x', '--backend', 'tpu'], /--backend must be gpu or cpu/],
    [['run', 'izhikevich2003', '--out', 'x', '--seed'], /--seed needs a value/],
    [['run', 'izhikevich2003', '--out', 'x', '--dt', '0'], /--dt must be a time step in ms in \(0, 10\], got 0/],
    [['run', 'izhikevich2003', '--out', 'x', '--integrator', 'rk4'], /--integrator must be izhikevich2003 or euler, got rk4/],
    [['run', 'izhikevich2003', '--out', 'x', '--frobnicate'], /unknown option --frobnicate/],
    [['run', 'izhikevich2003'], /--out DIR is required/],
    [['run', 'hh1952', '--out', 'x'], /unknown network "hh1952"/],
    [['fly'], /unknown command "fly"/],
    // The one engine's description check names the projection whose S is too large (was: a 37.3 GiB dense S).
    [['run', 'izhikevich2003', '--out', join(tmpdir(), 'spikegpu-too-big'), '--backend', 'cpu', '--neurons', '100000'], /NetworkSpecError: projections\[0\]\.connectivity: makes 6400000000 synapses; at most 4294967294/],
  ])('bad arguments %j exit 2 with a one-line reason', async (args, reason) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    const lines = ownLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(reason);
  });

  it('does not overwrite earlier results without --force', async () => {
    const out = tmp();
    writeFileSync(join(out, 'spikes.csv'), 'precious\n');
    const r = await run(['run', 'izhikevich2003', '--backend', 'cpu', '--neurons', '50', '--duration', '20', '--out', out]);
    expect(r.code).toBe(2);
    expect(ownLines(r.stderr)[0]).toMatch(/already holds spikes\.csv.*--force/);
    expect(readFileSync(join(out, 'spikes.csv'), 'utf8')).toBe('precious\n');
    const forced = await run(['run', 'izhikevich2003', '--backend', 'cpu', '--neurons', '50', '--duration', '20', '--out', out, '--force', '--quiet']);
    expect(forced.code).toBe(0);
    expect(readFileSync(join(out, 'spikes.csv'), 'utf8')).toMatch(/^t_ms,neuron/);
  });

  it('--help prints the usage and exits 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: spikegpu \[options\] \[command\]/);
    for (const command of ['run', 'list', 'help']) expect(r.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  });
});

describe("spikegpu run EXPERIMENT (the seeds' experiments)", () => {
  it('hh-double-impulse writes traces, gates, both phase planes and a summary with two spikes', async () => {
    const out = join(tmp(), 'hh');
    const r = await run(['run', 'hh-double-impulse', '--backend', 'gpu', '--out', out, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const csv = readFileSync(join(out, 'traces.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('t_ms,v,m,h,n,I');
    expect(csv.length).toBe(5001);                       // 50 ms at dt = 0.01 ms
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.spikeTimesMs).toHaveLength(2);
    expect(summary.spikeTimesMs[1]).toBeGreaterThan(10);
    expect(summary).toMatchObject({ experiment: 'hh-double-impulse', circuit: expect.any(String), failures: [], diverged: [] });  // the keys the earlier file had
    for (const f of ['v.svg', 'gates.svg', 'phase-v-n.svg', 'phase-v-m.svg']) {
      expect(readFileSync(join(out, f), 'utf8')).toMatch(/<polyline[^>]+points="[\d.]+,[\d.]+ [\d.]+,/);
    }
    const again = await run(['run', 'hh-double-impulse', '--out', out]);
    expect(again.code).toBe(2);
    expect(ownLines(again.stderr)[0]).toMatch(/already holds .*--force/);
  });

  it('neun-coupling-scan runs 20 conductances as one batch and reports the diverged copies', async () => {
    const out = join(tmp(), 'scan');
    const r = await run(['run', 'neun-coupling-scan', '--dt', '0.005', '--out', out, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const rows = readFileSync(join(out, 'scan.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    expect(rows).toHaveLength(20);
    const stable = rows.filter((x) => x[3] === 'NaN').map((x) => Number(x[1]));
    expect(stable.length).toBeGreaterThanOrEqual(5);
    expect(stable.every((c, k) => k === 0 || c < stable[k - 1]!)).toBe(true);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.copies).toBe(20);
    expect(summary.diverged.length).toBe(20 - stable.length);
    const gs = rows.map((x) => Number(x[0]));
    for (const d of summary.diverged) {
      const row = rows[gs.findIndex((g) => Math.abs(g - d.g) < 1e-12)]!;  // the copy's row says when it diverged
      expect(Number(row[3])).toBeCloseTo(d.atMs, 9);
    }
  });

  it("neun-chain stops at the divergence under Neun's sign, keeps the traces up to there and says so", async () => {
    const out = join(tmp(), 'chain');
    const r = await run(['run', 'neun-chain', '--backend', 'cpu', '--duration', '20', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.diverged).toHaveLength(1);                // the same shape as the scan's list
    const [d] = summary.diverged;
    expect(d.atMs).toBeGreaterThan(0);
    expect(d.atMs).toBeLessThan(20);
    // The one engine names the copy only in batches (the chain is one copy).
    expect(d.message).toMatch(new RegExp(`non-finite state .* in neuron ${d.neuron} at step ${Math.round(d.atMs / summary.dt)} `));
    expect(r.stdout).toContain(d.message);
    const rows = readFileSync(join(out, 'traces.csv'), 'utf8').trim().split('\n').slice(1);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length * summary.dt).toBeLessThanOrEqual(d.atMs);  // the traces stop before the divergence
    expect(summary.steps).toBe(rows.length);                        // and the summary counts the steps they cover
    expect(summary.durationMs).toBeCloseTo(rows.length * summary.dt, 9);
  });

  it('refuses a bad option for an experiment with exit code 2', async () => {
    const r = await run(['run', 'neun-pair', '--integrator', 'rk5', '--out', tmp()]);
    expect(r.code).toBe(2);
    expect(ownLines(r.stderr)[0]).toMatch(/--integrator must be euler, rk4 or rk6, got rk5/);
  });
});

describe('spikegpu run cobahh | sparse-izhikevich | FILE.json (sparse networks)', () => {
  const csvRows = (file: string) => readFileSync(file, 'utf8').trim().split('\n');

  it('cobahh writes spikes, 1 ms rates, a raster and a summary that agree with each other', async () => {
    const out = join(tmp(), 'cob');
    const r = await run(['run', 'cobahh', '--neurons', '400', '--duration', '50', '--seed', '3', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/\d%|steps/); // no progress bar on a pipe
    // Procedural connectivity: the same spikes.
    const drawn = join(tmp(), 'cob-procedural');
    expect((await run(['run', 'cobahh', '--neurons', '400', '--duration', '50', '--seed', '3', '--connectivity', 'procedural', '--quiet', '--out', drawn])).code).toBe(0);
    expect(readFileSync(join(drawn, 'spikes.csv'), 'utf8')).toBe(readFileSync(join(out, 'spikes.csv'), 'utf8'));
    const drawnSummary = JSON.parse(readFileSync(join(drawn, 'summary.json'), 'utf8'));
    expect(drawnSummary.connectivity).toBe('procedural');
    expect(drawnSummary.projections.every((p: { synapses: number | null }) => p.synapses === null)).toBe(true); // none stored
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ model: 'cobahh', neurons: 400, steps: 500, dt: 0.1, durationMs: 50, seed: 3, backend: 'gpu', record: 'all' });
    expect(summary.launch).toMatch(/^(one-workgroup|per-step)$/);
    expect(summary.projections).toHaveLength(4);
    expect(summary.projections.every((p: { synapses: number }) => p.synapses > 0)).toBe(true);
    const spikes = csvRows(join(out, 'spikes.csv'));
    expect(spikes[0]).toBe('t_ms,neuron');
    expect(spikes.length - 1).toBe(summary.spikes);
    expect(summary.spikes).toBeGreaterThan(100);
    const rates = csvRows(join(out, 'rates.csv'));
    expect(rates[0]).toBe('t_ms,exc_hz,inh_hz');
    expect(rates).toHaveLength(51); // 50 bins of 1 ms
    // The mean over the bins is the summary's mean rate.
    const col = (k: number) => rates.slice(1).reduce((s, l) => s + Number(l.split(',')[k]), 0) / 50;
    expect(col(1)).toBeCloseTo(summary.meanRatesHz.exc, 2);
    expect(col(2)).toBeCloseTo(summary.meanRatesHz.inh, 2);
    expect((readFileSync(join(out, 'raster.svg'), 'utf8').match(/h0/g) ?? []).length).toBe(summary.spikes);
  });

  it('sparse-izhikevich with --record rates writes no spikes; --record none only the summary', async () => {
    const a = join(tmp(), 'rates'), b = join(tmp(), 'none');
    const common = ['run', 'sparse-izhikevich', '--backend', 'cpu', '--neurons', '300', '--in-degree', '30', '--delay', '2', '--duration', '100', '--quiet'];
    expect((await run([...common, '--record', 'rates', '--out', a])).code).toBe(0);
    expect(readdirSync(a).sort()).toEqual(['.spikegpu-run.json', 'rates.csv', 'summary.json']);
    expect((await run([...common, '--record', 'none', '--out', b])).code).toBe(0);
    expect(readdirSync(b).sort()).toEqual(['.spikegpu-run.json', 'summary.json']);
    const summary = JSON.parse(readFileSync(join(b, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ neurons: 300, spikes: null, meanRatesHz: null, launch: null });
    expect(summary.projections.map((p: { delay: number }) => p.delay)).toEqual([2, 2, 2, 2]);
    // Fixed in-degree 30 = 24 excitatory + 6 inhibitory onto each of 240 + 60 neurons.
    expect(summary.projections.map((p: { synapses: number }) => p.synapses)).toEqual([24 * 240, 24 * 60, 6 * 240, 6 * 60]);
    expect(summary.projections.map((p: { maxInDegree: number }) => p.maxInDegree)).toEqual([24, 24, 6, 6]);  // as the earlier summary had it
  });

  it('--trace writes every state variable of those neurons after every step, and their v as a picture', async () => {
    const out = join(tmp(), 'traced');
    const args = ['run', 'cobahh', '--neurons', '400', '--duration', '20', '--seed', '3', '--backend', 'cpu', '--trace', '1,10,100', '--quiet', '--out', out];
    expect((await run(args)).code).toBe(0);
    const rows = readFileSync(join(out, 'traces.csv'), 'utf8').trim().split('\n');
    expect(rows[0]).toBe(['t_ms', ...[1, 10, 100].flatMap((i) => ['v', 'm', 'h', 'n', 'ge', 'gi'].map((v) => `n${i}_${v}`))].join(','));
    expect(rows).toHaveLength(1 + 200);                         // 20 ms at dt = 0.1 ms
    expect(rows[1]!.split(',')[0]).toBe('0.1');                 // the state after the first step
    const v1 = rows.slice(1).map((r) => Number(r.split(',')[1]));
    expect(v1.every((x) => x > -100 && x < 60)).toBe(true);     // membrane potentials in mV
    expect(readFileSync(join(out, 'v.svg'), 'utf8').match(/<polyline/g)).toHaveLength(3);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).traced).toEqual([1, 10, 100]);
    const again = await run(args.filter((a) => a !== '--quiet'));
    expect(again.code).toBe(2);
    expect(ownLines(again.stderr)[0]).toMatch(/already holds .*traces\.csv.*--force/);
  });

  it('runs a description saved as JSON, on both backends, with the same spikes', async () => {
    const dir = tmp();
    const file = join(dir, 'net.json');
    // A network description (docs/network.md): the former sparse description's network, field for field.
    writeFileSync(file, JSON.stringify({
      dt: 1, seed: 9,
      populations: [{ name: 'src', size: 20, model: 'izhikevich' }, { name: 'dst', size: 10, model: 'izhikevich' }],
      projections: [{ source: 'src', target: 'dst', connectivity: { rule: 'fixed-out-degree', k: 3 }, synapse: { kind: 'pulse', target: 'I' }, weight: 8, delay: 4 }],
      inputs: [{ kind: 'noise', target: 'src', sigma: 8 }],
    }));
    const [g, c] = [join(dir, 'g'), join(dir, 'c')];
    expect((await run(['run', file, '--out', g, '--duration', '200', '--quiet'])).code).toBe(0);
    expect((await run(['run', file, '--out', c, '--duration', '200', '--backend', 'cpu', '--quiet'])).code).toBe(0);
    const spikes = readFileSync(join(g, 'spikes.csv'), 'utf8');
    expect(spikes.split('\n').some((l) => /,2\d$/.test(l))).toBe(true); // dst neurons (20..29) fire, driven through the delay
    expect(spikes).toBe(readFileSync(join(c, 'spikes.csv'), 'utf8'));
  });

  it("writes a description's batch (a copy column) and its own probes (traces.csv at their interval)", async () => {
    const dir = tmp();
    const file = join(dir, 'batch.json');
    writeFileSync(file, JSON.stringify({
      dt: 0.5, seed: 2,
      populations: [{ name: 'lif', size: 5, model: 'lif' }],
      inputs: [{ kind: 'constant', target: 'lif', amplitude: 500 }],
      record: { probes: [{ population: 'lif', variable: 'v', neurons: [0, 3], every: 2 }] },
      batch: { copies: 2, vary: [{ path: 'inputs.0.amplitude', values: [500, 800] }] },
    }));
    const out = join(dir, 'o');
    const r = await run(['run', file, '--backend', 'cpu', '--duration', '50', '--quiet', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const spikes = csvRows(join(out, 'spikes.csv'));
    expect(spikes[0]).toBe('t_ms,neuron,copy');
    const copies = new Set(spikes.slice(1).map((l) => l.split(',')[2]));
    expect(copies).toEqual(new Set(['0', '1']));                 // both copies fire
    const traces = csvRows(join(out, 'traces.csv'));
    expect(traces[0]).toBe('t_ms,n0_v,n3_v');
    expect(traces).toHaveLength(1 + 50);                          // 100 steps, every 2nd
    expect(traces[1]!.split(',')[0]).toBe('1');                   // after steps 0 and 1: (k + 1)·every·dt
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))).toMatchObject({ copies: 2, model: 'lif', traced: [0, 3] });
  });

  it.each([
    [['run', 'sparse-izhikevich', '--scaled', '--out', 'x'], /unknown option --scaled for sparse-izhikevich/],
    [['run', 'cobahh', '--record', 'some', '--out', 'x'], /--record must be all, rates or none, got some/],
    [['run', 'cobahh', '--launch', 'warp', '--out', 'x'], /--launch must be auto, one-workgroup or per-step, got warp/],
    [['run', 'cobahh', '--connectivity', 'dense', '--out', 'x'], /--connectivity must be stored or procedural, got dense/],
    [['run', 'cobahh', '--neurons', '1', '--out', 'x'], /--neurons must be an integer in \[3, 67108864\], got 1/],
    [['run', 'sparse-izhikevich', '--neurons', '100', '--in-degree', '101', '--out', 'x'], /--in-degree must be an integer in \[1, 100\], got 101/],
    [['run', join(tmpdir(), 'spikegpu-missing.json'), '--out', 'x'], /cannot read .*spikegpu-missing\.json/],
    [['run', 'cobahh', '--trace', '1,x', '--out', 'x'], /--trace must be neuron indices separated by commas, got 1,x/],
    // The command line turns --trace into probes of each population, so it checks the global indices itself.
    [['run', 'cobahh', '--neurons', '100', '--trace', '5,100', '--out', join(tmpdir(), 'spikegpu-trace-bad')],
      /--trace must name neuron indices in \[0, 100\), got 100/],
    [['run', 'cobahh', '--neurons', '1024000', '--scaled', '--memory-limit', '1e9', '--out', join(tmpdir(), 'spikegpu-cob-big')],
      /NetworkSpecError: populations: this network of 1024000 neurons needs about 4\.0 GiB .*; memoryLimit allows 953\.7 MiB/],
  ])('bad arguments %j exit 2 with a one-line reason', async (args, reason) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(ownLines(r.stderr)).toHaveLength(1);
    expect(ownLines(r.stderr)[0]).toMatch(reason);
  });

  it('a JSON description with a bad field names it', async () => {
    const file = join(tmp(), 'bad.json');
    // A conductance synapse into a variable COBAHH does not have ('I' itself is valid now: a current of its own with a tau).
    writeFileSync(file, JSON.stringify({ dt: 0.1, seed: 1, populations: [{ name: 'a', size: 10, model: 'cobahh' }],
      projections: [{ source: 'a', target: 'a', connectivity: { rule: 'fixed-probability', p: 0.1 }, synapse: { kind: 'exponential', target: 'x' }, weight: 1 }] }));
    const r = await run(['run', file, '--out', join(tmp(), 'o')]);
    expect(r.code).toBe(2);
    expect(ownLines(r.stderr)).toHaveLength(1);
    expect(ownLines(r.stderr)[0]).toMatch(/NetworkSpecError: .*projections\[0\]\.synapse\.target: cobahh has no state variable 'x'; it has v, m, h, n, ge, gi/);
  });

  it('a description in the earlier sparse format is refused with what to write instead', async () => {
    const file = join(tmp(), 'old.json');
    writeFileSync(file, JSON.stringify({ model: 'izhikevich', dt: 1, seed: 1, populations: [{ name: 'a', size: 10 }],
      projections: [{ pre: 'a', post: 'a', connect: { rule: 'fixed-in-degree', k: 2 }, weight: 1, target: 'I' }] }));
    const r = await run(['run', file, '--out', join(tmp(), 'o')]);
    expect(r.code).toBe(2);
    expect(ownLines(r.stderr)[0]).toMatch(/is a sparse description of spikegpu before the one network description .*docs\/network\.md/);
  });
});
