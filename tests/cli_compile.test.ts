// `spikegpu compile FILE.json --out PROGRAM.json` (docs/cli.md#spikegpu-compile): the program it
// writes runs as the description does; the file appears whole or not at all, and a saved one is
// replaced only with --force.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProgram } from '../src/program/load';
import { createSimulation } from '../src/run/create';
import { cobahh } from '../src/spec/presets/sparse';
import { seedNetwork } from '../src/spec/presets/seed_network';
import { expectUsageError, run, snapshot, tmp } from './cli_helpers';
import { testGpu } from './helpers';

/** A folder holding the seed network (50 neurons) as net.json. */
function folder(): string {
  const dir = tmp();
  writeFileSync(join(dir, 'net.json'), JSON.stringify(seedNetwork({ neurons: 50, seed: 4 })));
  return dir;
}

describe('spikegpu compile', () => {
  it('writes a program that loadProgram runs with the spikes createSimulation gives', async () => {
    const dir = folder();
    const r = await run(['compile', 'net.json', '--out', 'net.program.json', '--steps-per-submit', '40'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^net\.json: compiled \(\d+ lines of WGSL, 40 steps a chunk\); wrote net\.program\.json \(\d+\.\d KiB\)\n$/);
    const { device } = await testGpu();
    const loaded = await loadProgram(JSON.parse(readFileSync(join(dir, 'net.program.json'), 'utf8')), { device });
    const direct = await createSimulation(seedNetwork({ neurons: 50, seed: 4 }), { backend: 'gpu', device, stepsPerSubmit: 40 });
    await loaded.run({ steps: 120 });
    await direct.run({ steps: 120 });
    expect(loaded.summary().spikes).toBeGreaterThan(0);
    expect(Array.from(loaded.spikes().neuron)).toEqual(Array.from(direct.spikes().neuron));
    loaded.destroy();
    direct.destroy();
    expect(readdirSync(dir).sort()).toEqual(['net.json', 'net.program.json']);
  });

  it('keeps a saved program without --force, and replaces it with --force', async () => {
    const dir = folder();
    writeFileSync(join(dir, 'net.program.json'), 'mine');
    expectUsageError(await run(['compile', 'net.json', '--out', 'net.program.json'], { cwd: dir }), /^spikegpu: net\.program\.json exists; --force replaces it$/);
    expect(readFileSync(join(dir, 'net.program.json'), 'utf8')).toBe('mine');
    const r = await run(['compile', 'net.json', '--out', 'net.program.json', '--force', '--quiet'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(JSON.parse(readFileSync(join(dir, 'net.program.json'), 'utf8')).format).toBe('spikegpu-program');
  });

  it('refuses a description it cannot compile by field, and leaves nothing behind', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ ...cobahh({ n: 40, seed: 1 }), dt: -1 }));
    const before = snapshot(dir);
    const r = await run(['compile', 'bad.json', '--out', 'bad.program.json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^spikegpu: NetworkSpecError: dt: /m);
    expect(snapshot(dir)).toEqual(before);
  });

  it.each([
    [[], /^spikegpu: compile needs a network description \(FILE\.json\)$/],
    [['net.yaml', '--out', 'p.json'], /^spikegpu: compile reads a network description saved as JSON \(FILE\.json\), got "net\.yaml"$/],
    [['net.json'], /^spikegpu: --out PROGRAM\.json is required$/],
    [['net.json', '--out', 'p.txt'], /^spikegpu: --out must name a \.json file, got p\.txt$/],
    [['net.json', '--out', 'missing/p.json'], /^spikegpu: --out: cannot write into .*missing \(missing, or not writable\)$/],
    [['net.json', '--out', 'p.json', '--steps-per-submit', '0'], /^spikegpu: --steps-per-submit must be an integer in \[1, 100000\], got 0$/],
    [['net.json', '--out', 'p.json', '--spike-capacity', ''], /^spikegpu: --spike-capacity needs a value, got an empty one$/],
    [['absent.json', '--out', 'p.json'], /^spikegpu: cannot read absent\.json: /],
  ])('%j is a usage error, with nothing written', async (args, reason) => {
    const dir = folder(), before = snapshot(dir);
    const r = await run(['compile', ...args], { cwd: dir });
    expectUsageError(r, reason);
    expect(r.stderr).toContain("run 'spikegpu help compile' for its options");
    expect(snapshot(dir)).toEqual(before);
  });
});
