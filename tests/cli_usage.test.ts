// The command line's usage: --version, help, list, and a usage error (exit code 2, one line naming
// the option and its limit, then a hint) for every bad or empty value, before any work or folder.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODELS } from '../src/models/registry';
import { EXPERIMENTS } from '../src/cli/experiments';
import { ROOT, expectUsageError, run, tmp } from './cli_helpers';

const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const NETWORKS = ['izhikevich2003', 'cobahh', 'sparse-izhikevich', 'microcircuit', 'FILE.json'];

describe('spikegpu --version, help and list', () => {
  it.each([['--version'], ['-V']])('%s prints package.json\'s version', async (flag) => {
    const r = await run([flag]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${version}\n`);
  });

  it.each([
    [[], /^Usage: spikegpu \[options\] \[command\]/],
    [['help'], /^Usage: spikegpu \[options\] \[command\]/],
    [['--help'], /^Usage: spikegpu \[options\] \[command\]/],
    [['help', 'run'], /^Usage: spikegpu run \[options\] \[command\]/],
    [['run', '--help'], /^Usage: spikegpu run \[options\] \[command\]/],
    [['help', 'run', 'cobahh'], /^Usage: spikegpu run cobahh \[options\]/],
    [['run', 'cobahh', '-h'], /^Usage: spikegpu run cobahh \[options\]/],
    [['help', 'run', 'file'], /^Usage: spikegpu run file \[options\] <FILE\.json>/],
  ])('%j prints the usage on stdout and exits 0', async (args, head) => {
    const r = await run(args);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(head);
    expect(r.stderr).toBe('');
  });

  it("help run lists everything run takes; a command's help names each option's limit", async () => {
    const all = await run(['help', 'run']);
    for (const name of [...NETWORKS.filter((n) => n !== 'FILE.json'), 'file', ...Object.keys(EXPERIMENTS)]) expect(all.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    const seed = (await run(['help', 'run', 'izhikevich2003'])).stdout.replace(/\s+/g, ' ');
    expect(seed).toContain('--neurons <N> network size, 80 % excitatory, in [3, 1048576] (default: 1000)');
    expect(seed).toContain('--dt <MS> time step in ms, in (0, 10] (default: 1)');
    const sparse = (await run(['help', 'run', 'sparse-izhikevich'])).stdout.replace(/\s+/g, ' ');
    expect(sparse).toContain('--in-degree <K> synapses per neuron, in [1, N]');
    expect(sparse).toContain('--delay <STEPS> axonal delay of every projection in steps, in [0, 4096]');
  });

  it('list prints every network, experiment and built-in model with its one-line description', async () => {
    const r = await run(['list']);
    expect(r.code).toBe(0);
    // Three sections: networks, experiments, models (cobahh is both a network and a model).
    const [networks, experiments, models] = r.stdout.split('\n\n').map((section) => section.split('\n'));
    const described = (lines: string[], name: string) => lines.find((l) => new RegExp(`^  ${name.replace('.', '\\.')} +\\S`).test(l));
    for (const name of NETWORKS) expect(described(networks!, name), name).toBeDefined();
    for (const [name, e] of Object.entries(EXPERIMENTS)) expect(described(experiments!, name), name).toContain(e.about);
    for (const m of Object.values(MODELS)) expect(described(models!, m.name), m.name).toContain(m.declaration.summary);
  });
});

describe('usage errors: exit code 2, the reason in one line, then where to read the usage', () => {
  const seed = ['run', 'izhikevich2003', '--out', 'x'];
  it.each([
    // Empty and missing values.
    [[...seed, '--seed='], /^spikegpu: --seed needs a value, got an empty one$/],
    [[...seed, '--seed'], /^spikegpu: --seed needs a value$/],
    [[...seed, '--seed', '--quiet'], /^spikegpu: --seed needs a value$/],
    [['run', 'izhikevich2003', '--out='], /^spikegpu: --out needs a value, got an empty one$/],
    [[...seed, '--backend', ''], /^spikegpu: --backend needs a value, got an empty one$/],
    [[...seed, '--types='], /^spikegpu: --types needs a value, got an empty one$/],
    // Not numbers, and numbers out of range: the option and its limit.
    [[...seed, '--neurons', 'abc'], /^spikegpu: --neurons must be an integer in \[3, 1048576\], got abc$/],
    [[...seed, '--neurons', '2'], /^spikegpu: --neurons must be an integer in \[3, 1048576\], got 2$/],
    [[...seed, '--neurons', '1048577'], /--neurons must be an integer in \[3, 1048576\], got 1048577$/],
    [[...seed, '--neurons', '0x10'], /--neurons must be an integer in \[3, 1048576\], got 0x10$/],
    [[...seed, '--seed', '-1'], /^spikegpu: --seed must be an integer in \[0, 9007199254740991\], got -1$/],
    [[...seed, '--seed', '1.5'], /--seed must be an integer in \[0, 9007199254740991\], got 1\.5$/],
    [[...seed, '--duration', 'Infinity'], /^spikegpu: --duration must be a duration in ms in \(0, 10000000\], got Infinity$/],
    [[...seed, '--duration', '1e8'], /--duration must be a duration in ms in \(0, 10000000\], got 1e8$/],
    [[...seed, '--dt', '11'], /^spikegpu: --dt must be a time step in ms in \(0, 10\], got 11$/],
    [['run', 'cobahh', '--out', 'x', '--neurons', '2'], /^spikegpu: --neurons must be an integer in \[3, 67108864\], got 2$/],
    [['run', 'cobahh', '--out', 'x', '--memory-limit', '0'], /^spikegpu: --memory-limit must be a number of bytes > 0, got 0$/],
    [['run', 'sparse-izhikevich', '--out', 'x', '--delay', '4097'], /^spikegpu: --delay must be an integer in \[0, 4096\], got 4097$/],
    [['run', 'sparse-izhikevich', '--out', 'x', '--neurons', '50', '--in-degree', '0'], /^spikegpu: --in-degree must be an integer in \[1, 50\], got 0$/],
    [['run', 'sparse-izhikevich', '--out', 'x', '--neurons', '50', '--in-degree', '51'], /^spikegpu: --in-degree must be an integer in \[1, 50\], got 51$/],
    [['run', 'neun-pair', '--out', 'x', '--duration', '2e6'], /^spikegpu: --duration must be a duration in ms in \(0, 1000000\], got 2e6$/],
    [[...seed, '--record', 'all'], /^spikegpu: unknown option --record for izhikevich2003$/],
    // A run of no step at all, naming both options (or where dt comes from).
    [[...seed, '--dt', '10', '--duration', '1'], /^spikegpu: --duration must be at least one step \(--dt 10 ms\), got 1$/],
    [['run', 'cobahh', '--out', 'x', '--duration', '0.05'], /^spikegpu: --duration must be at least one step \(the network's dt, 0\.1 ms\), got 0\.05$/],
    [['run', 'neun-pair', '--out', 'x', '--dt', '1', '--duration', '0.5'], /^spikegpu: --duration must be at least one step \(--dt 1 ms\), got 0\.5$/],
    [['run', 'hh-double-impulse', '--out', 'x', '--duration', '0.001'], /--duration must be at least one step \(the experiment's dt, 0\.01 ms\), got 0\.001$/],
    // Unknown options, commands, networks; missing and extra arguments.
    [[...seed, '--forse'], /^spikegpu: unknown option --forse for izhikevich2003 \(did you mean --force\?\)$/],
    [['--frobnicate'], /^spikegpu: unknown option --frobnicate$/],
    [['run'], /^spikegpu: run needs a network: izhikevich2003, cobahh, sparse-izhikevich, microcircuit, FILE\.json, hh-double-impulse/],
    [['run', 'cobahx', '--neurons', '5', '--out', 'x'], /^spikegpu: unknown network "cobahx"; available: izhikevich2003, /],
    [['run', '--out', 'x', 'cobahh'], /^spikegpu: put the network's name first: spikegpu run cobahh --out DIR \[options\]$/],
    [['run', 'cobahh', 'extra', '--out', 'x'], /^spikegpu: unexpected argument "extra" for cobahh$/],
    [['run', 'net.json', '--neurons', '5', '--out', 'x'], /^spikegpu: unknown option --neurons for net\.json$/],
    [['list', 'extra'], /^spikegpu: unexpected argument "extra" for list$/],
    [['help', 'fly'], /^spikegpu: unknown command "fly"; spikegpu has run, compile, list, help$/],
    [['help', 'run', 'cobahx'], /^spikegpu: unknown command "run cobahx"; spikegpu run has izhikevich2003, cobahh, /],
  ])('%j', async (args, reason) => {
    expectUsageError(await run(args), reason);
  });

  it("points at the named command's own help, and that help exists", async () => {
    const r = await run([...seed, '--neurons', '2']);
    expect(r.stderr).toContain("run 'spikegpu help run izhikevich2003' for its options");
    expect((await run(['help', 'run', 'izhikevich2003'])).code).toBe(0);
    expect((await run(['run', 'hh1952', '--out', 'x'])).stderr).toContain("run 'spikegpu list' for the networks, experiments and models");
  });

  it('refuses before making --out, even for a run that would take hours', async () => {
    const parent = tmp(), out = join(parent, 'never');
    const started = performance.now();
    expectUsageError(await run(['run', 'izhikevich2003', '--neurons', '2', '--duration', '1e7', '--out', out]), /--neurons must be/);
    expect(existsSync(out)).toBe(false);
    expect(performance.now() - started).toBeLessThan(30_000);
  });

  it('takes --name=value as --name value', async () => {
    const out = join(tmp(), 'o');
    const r = await run(['run', 'izhikevich2003', '--neurons=50', '--duration=20', '--backend=cpu', '--seed=3', '--quiet', `--out=${out}`]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))).toMatchObject({ neurons: 50, steps: 20, seed: 3, backend: 'cpu' });
  });

  it('the smallest documented network (3 neurons) runs for each preset', async () => {
    const parent = tmp();
    for (const name of ['izhikevich2003', 'cobahh', 'sparse-izhikevich']) {
      const r = await run(['run', name, '--neurons', '3', '--duration', '5', '--backend', 'cpu', '--quiet', '--out', join(parent, name)]);
      expect(r.code, `${name}: ${r.stderr}`).toBe(0);
      expect(JSON.parse(readFileSync(join(parent, name, 'summary.json'), 'utf8')).neurons).toBe(3);
    }
  });
});
