// The output folder (docs/cli.md#the-output-folder): checked before the run, written whole through a
// temporary folder, --force replacing exactly the earlier run's files, nothing left behind on any
// failure; and the progress bar, drawn on a terminal only.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { progressBar, progressLine, showsProgress } from '../src/cli/progress';
import { CLI, expectUsageError, ownLines, run, snapshot, tmp } from './cli_helpers';

const MANIFEST = '.spikegpu-run.json';
const small = ['--backend', 'cpu', '--neurons', '300', '--in-degree', '30', '--duration', '50', '--quiet'];
const sparse = (out: string, ...more: string[]) => run(['run', 'sparse-izhikevich', ...small, ...more, '--out', out]);
const manifest = (dir: string) => JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as { files: string[]; command: string[]; spikegpu: string };

describe('the output folder', () => {
  it('is made whole: the files, a manifest of them, no temporary folder beside it, the mode of any new folder', async () => {
    const parent = tmp(), out = join(parent, 'a', 'b', 'run');
    expect((await sparse(out)).code).toBe(0);
    expect(readdirSync(out).sort()).toEqual([MANIFEST, 'raster.svg', 'rates.csv', 'spikes.csv', 'summary.json']);
    expect(manifest(out)).toMatchObject({ files: ['summary.json', 'rates.csv', 'spikes.csv', 'raster.svg'], command: expect.arrayContaining(['sparse-izhikevich']) });
    expect(readdirSync(join(parent, 'a', 'b'))).toEqual(['run']);
    mkdirSync(join(parent, 'plain'));
    expect(statSync(out).mode).toBe(statSync(join(parent, 'plain')).mode);  // not mkdtemp's 0700
  });

  it("refuses an earlier run's folder without --force and leaves it as it was", async () => {
    const out = join(tmp(), 'run');
    expect((await sparse(out)).code).toBe(0);
    const before = snapshot(out);
    expectUsageError(await sparse(out, '--record', 'none'), /^spikegpu: --out .*run already holds raster\.svg, rates\.csv, spikes\.csv, summary\.json from an earlier spikegpu run; choose another --out or pass --force to replace that run$/);
    expect(snapshot(out)).toEqual(before);
  });

  it("--force removes every file of the earlier run, keeps the user's own, and lists only the new run's", async () => {
    const out = join(tmp(), 'run');
    expect((await sparse(out)).code).toBe(0);
    writeFileSync(join(out, 'notes.txt'), 'mine\n');
    mkdirSync(join(out, 'figures'));
    expect((await sparse(out, '--record', 'none', '--force')).code).toBe(0);
    expect(readdirSync(out).sort()).toEqual([MANIFEST, 'figures', 'notes.txt', 'summary.json']);
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('mine\n');
    expect(manifest(out).files).toEqual(['summary.json']);
    expect(readdirSync(join(out, '..'))).toEqual(['run']);
  });

  it('a run that fails after the folder check leaves nothing: no temporary folder, no new folders above', async () => {
    const parent = tmp();
    // The memory check needs the backend, so it fails inside the run, after --out was prepared.
    const r = await run(['run', 'cobahh', '--neurons', '1024000', '--scaled', '--memory-limit', '1e9', '--out', join(parent, 'new', 'out')]);
    expect(r.code).toBe(2);
    expect(ownLines(r.stderr)[0]).toMatch(/NetworkSpecError: .*memoryLimit allows/);
    expect(readdirSync(parent)).toEqual([]);
  });

  it('a failing run leaves an existing folder exactly as it was, --force or not', async () => {
    const parent = tmp(), out = join(parent, 'run');
    expect((await sparse(out)).code).toBe(0);
    writeFileSync(join(out, 'notes.txt'), 'mine\n');
    const before = snapshot(out);
    const r = await run(['run', 'cobahh', '--neurons', '1024000', '--scaled', '--memory-limit', '1e9', '--force', '--out', out]);
    expect(r.code).toBe(2);
    expect(snapshot(out)).toEqual(before);
    expect(readdirSync(parent)).toEqual(['run']);
  });

  it('an invalid network description is refused and makes nothing', async () => {
    const parent = tmp(), file = join(parent, 'bad.json');
    writeFileSync(file, JSON.stringify({ dt: 0.1, seed: 1, populations: [{ name: 'a', size: 0, model: 'lif' }] }));
    const r = await run(['run', file, '--out', join(parent, 'out')]);
    expect(r.code).toBe(2);
    expect(ownLines(r.stderr)[0]).toMatch(/^spikegpu: NetworkSpecError: populations\[0\]\.size/);
    expect(readdirSync(parent)).toEqual(['bad.json']);
  });

  // Tests run as root, which writes through any permission bits: a regular file on the way is a
  // parent nobody can write into, root included.
  it('refuses an --out that cannot be made (a file on its path) or is a file, before the run', async () => {
    const parent = tmp(), file = join(parent, 'file.txt');
    writeFileSync(file, 'x');
    expectUsageError(await run(['run', 'izhikevich2003', '--duration', '1e7', '--out', join(file, 'deep', 'out')]),
      new RegExp(`^spikegpu: --out .*file\\.txt/deep/out cannot be made: ${file.replace(/[.]/g, '\\.')} is a file, not a folder$`));
    expectUsageError(await run(['run', 'izhikevich2003', '--duration', '1e7', '--out', file]), /^spikegpu: --out .*file\.txt is a file, not a folder$/);
    expect(readdirSync(parent)).toEqual(['file.txt']);
  });

  it('Ctrl-C during the run removes the temporary folder and the folders made for it, exit code 130', async () => {
    const parent = tmp(), out = join(parent, 'made', 'out');
    const child = spawn(process.execPath, [CLI, 'run', 'izhikevich2003', '--backend', 'cpu', '--duration', '1e7', '--quiet', '--out', out], { stdio: 'ignore' });
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    const made = join(parent, 'made');
    try {
      for (let k = 0; k < 600 && !(existsSync(made) && readdirSync(made).some((n) => n.startsWith('.out.spikegpu-'))); k++) await new Promise((r) => setTimeout(r, 50));
      expect(readdirSync(made)).toHaveLength(1);
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(readdirSync(parent)).toEqual([]);
    } finally {
      child.kill('SIGKILL');  // a run that ignored SIGINT would go on for hours
    }
  });
});

describe('the progress bar', () => {
  it('is drawn on a terminal only, never with --quiet', () => {
    expect(showsProgress({ isTTY: true }, false)).toBe(true);
    expect(showsProgress({ isTTY: false }, false)).toBe(false);
    expect(showsProgress({}, false)).toBe(false);
    expect(showsProgress({ isTTY: true }, true)).toBe(false);
    const written: string[] = [];
    expect(progressBar(false, { isTTY: false, write: (t) => written.push(t) })).toBeUndefined();
    const bar = progressBar(false, { isTTY: true, columns: 60, write: (t) => written.push(t) })!;
    bar(0, 10);
    bar(10, 10);
    expect(written.join('')).toMatch(/^\r\[-+\]\s+0%  0\/10 steps.*\r\[#+\]  100%  10\/10 steps  [\d.]+ s\x1b\[K\n$/s);
  });

  it('fits the terminal and says how long is left', () => {
    const line = progressLine(420, 1000, 1.4, 80);
    expect(line).toMatch(/^\[#{10,}-{10,}\]   42%  420\/1000 steps  1\.4 s, 1\.9 s left$/);
    expect(line.length).toBe(79);  // one column short of the width: the cursor never wraps
    expect(progressLine(5, 10, 1, 30)).toBe(' 50%  5/10 steps  1.0 s, 1.0 s left');  // too narrow for a bar
  });

  it('a piped run prints no progress; its summary line goes to stdout', async () => {
    const r = await run(['run', 'izhikevich2003', '--backend', 'cpu', '--neurons', '100', '--duration', '500', '--out', join(tmp(), 'o')]);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/\r|%|steps/);
    expect(r.stdout).toMatch(/^\d+ spikes from 100 neurons in 500 ms: .* wrote .*\/o\/\{spikes\.csv,summary\.json,raster\.svg\}\n$/);
  });

  // util-linux `script` gives the command a terminal (a pty), as a user's shell would.
  const inTerminal = (args: string[]) => new Promise<string>((done, fail) => {
    const command = [process.execPath, CLI, ...args].map((a) => `'${a}'`).join(' ');
    execFile('script', ['-qec', command, '/dev/null'], { timeout: 120_000 }, (err, stdout) => (err ? fail(err) : done(stdout)));
  });

  it('a run on a terminal draws the bar up to 100 %; --quiet there prints nothing', async () => {
    const args = ['run', 'izhikevich2003', '--backend', 'cpu', '--neurons', '100', '--duration', '500'];
    const shown = await inTerminal([...args, '--out', join(tmp(), 'o')]);
    expect(shown).toMatch(/\r\[#+\]  100%  500\/500 steps  [\d.]+ s\x1b\[K\r?\n/);
    expect(shown).toMatch(/\d+ spikes from 100 neurons/);
    expect(await inTerminal([...args, '--quiet', '--out', join(tmp(), 'q')])).toBe('');
  });
});
