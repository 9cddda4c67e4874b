// `spikegpu run microcircuit`: the cortical microcircuit at a small scale from the command line:
// spikes, per-population rates, a raster with the populations named, and the summary; its options'
// usage errors (docs/cli.md, docs/microcircuit.md).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MICROCIRCUIT_POPULATIONS, microcircuitParameters } from '../src/spec/presets/microcircuit';
import { expectUsageError, run, tmp } from './cli_helpers';

describe('spikegpu run microcircuit', () => {
  it('--scale 0.01 writes spikes, rates per population, a labelled raster and a summary that agree', async () => {
    const out = join(tmp(), 'mc');
    const r = await run(['run', 'microcircuit', '--scale', '0.01', '--duration', '100', '--seed', '3', '--backend', 'cpu', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Potjans–Diesmann microcircuit \(771 neurons, poisson background\): 771 neurons, 100 ms in .* L23E .* Hz, .*L6I .* Hz; wrote /);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ model: 'iaf_psc_exp', neurons: 771, steps: 1000, dt: 0.1, seed: 3, backend: 'cpu' });
    expect(summary.populations.map((p: { name: string }) => p.name)).toEqual([...MICROCIRCUIT_POPULATIONS]);
    // The pairs whose scaled synapse count rounds above 0 (55 of the 60 at this scale), each with exactly that count.
    const counts = microcircuitParameters({ scale: 0.01 }).synapses.flatMap((row) => row.filter((n) => n > 0));
    expect(summary.projections.map((p: { synapses: number }) => p.synapses).sort((a: number, b: number) => a - b)).toEqual(counts.sort((a, b) => a - b));
    expect(counts).toHaveLength(55);
    expect(Object.keys(summary.meanRatesHz)).toEqual([...MICROCIRCUIT_POPULATIONS]);
    expect(summary.spikes).toBeGreaterThan(0);
    const rates = readFileSync(join(out, 'rates.csv'), 'utf8').trim().split('\n');
    expect(rates[0]).toBe(`t_ms,${MICROCIRCUIT_POPULATIONS.map((p) => `${p}_hz`).join(',')}`);
    expect(rates).toHaveLength(101);
    expect(readFileSync(join(out, 'spikes.csv'), 'utf8').trim().split('\n').length - 1).toBe(summary.spikes);
    const raster = readFileSync(join(out, 'raster.svg'), 'utf8');
    for (const p of MICROCIRCUIT_POPULATIONS) expect(raster).toContain(`>${p}</text>`);
  }, 120_000);

  it.each([
    [['--scale', '0'], /--scale must be a number in \[0\.0005, 1\], got 0/],
    [['--scale', '0.0004'], /--scale must be a number in \[0\.0005, 1\], got 0\.0004/],
    [['--scale', '1.5'], /--scale must be a number in \[0\.0005, 1\], got 1\.5/],
    [['--background', 'noise'], /--background must be poisson or dc, got noise/],
    [['--neurons', '100'], /unknown option --neurons for microcircuit/],
  ])('%j is a usage error', async (args, reason) => {
    expectUsageError(await run(['run', 'microcircuit', ...args, '--out', 'x']), reason);
  });
});
