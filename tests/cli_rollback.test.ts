// The result folder when moving the new files in fails half-way (a full disk, a vanished file): the
// earlier run's files go back, the half-moved new ones go, and nothing spikegpu made stays.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ResultFolder } from '../src/cli/result_folder';
import { snapshot, tmp } from './cli_helpers';

/** failRenameTo: the rename whose destination ends in this path fails; null: every rename works. */
const state = vi.hoisted(() => ({ failRenameTo: null as string | null }));
vi.mock('node:fs/promises', async (original) => {
  const fs = await original<typeof import('node:fs/promises')>();
  const rename: typeof fs.rename = async (from, to) => {
    if (state.failRenameTo !== null && String(to).endsWith(state.failRenameTo)) throw Object.assign(new Error(`ENOSPC: no space left, rename '${String(to)}'`), { code: 'ENOSPC' });
    return fs.rename(from, to);
  };
  return { ...fs, default: { ...fs, rename }, rename };
});

const options = (force: boolean, outputs: string[]) => ({ outputs, force, version: 'test', command: ['run', 'test'] });

afterEach(() => { state.failRenameTo = null; });

describe('ResultFolder', () => {
  it('puts the earlier run back when a new file cannot be moved in', async () => {
    const parent = tmp(), dir = join(parent, 'out');
    const first = await ResultFolder.prepare(dir, options(false, ['a.csv', 'old.csv']));
    await first.commit({ 'a.csv': 'first a\n', 'old.csv': 'first old\n' });
    writeFileSync(join(dir, 'notes.txt'), 'mine\n');
    const before = snapshot(dir);
    const second = await ResultFolder.prepare(dir, options(true, ['a.csv', 'b.csv']));
    state.failRenameTo = join('out', 'b.csv');  // a.csv has moved in by then, old.csv aside
    await expect(second.commit({ 'a.csv': 'second a\n', 'b.csv': 'second b\n' })).rejects.toThrow(/ENOSPC/);
    expect(snapshot(dir)).toEqual(before);
    expect(readdirSync(parent)).toEqual(['out']);
  });

  it('refuses a file that appeared in the folder during the run instead of overwriting it', async () => {
    const parent = tmp(), dir = join(parent, 'out');
    await (await ResultFolder.prepare(dir, options(false, ['a.csv']))).commit({ 'a.csv': 'first\n' });
    const second = await ResultFolder.prepare(dir, options(true, ['a.csv']));
    writeFileSync(join(dir, 'b.csv'), 'written meanwhile\n');
    const before = snapshot(dir);
    await expect(second.commit({ 'a.csv': 'second\n', 'b.csv': 'second b\n' })).rejects.toThrow(/now holds b\.csv, made while spikegpu ran; nothing was changed/);
    expect(snapshot(dir)).toEqual(before);
    expect(readdirSync(parent)).toEqual(['out']);
  });

  it('a discarded new folder leaves neither it nor the folders made above it', async () => {
    const parent = tmp();
    const folder = await ResultFolder.prepare(join(parent, 'x', 'y', 'out'), options(false, ['a.csv']));
    expect(readdirSync(join(parent, 'x', 'y'))).toHaveLength(1);  // the temporary folder
    await folder.discard();
    expect(readdirSync(parent)).toEqual([]);
  });
});
