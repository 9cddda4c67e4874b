// Runs the built command line for tests/cli*.test.ts: $SPIKEGPU_CLI (relative to the repository
// root) when set, so a build into another folder can be tested, else dist/cli.js.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';

export const ROOT = join(__dirname, '..');
export const CLI = resolve(ROOT, process.env.SPIKEGPU_CLI ?? 'dist/cli.js');

export interface Result { code: number; stdout: string; stderr: string }

export function run(args: readonly string[], options: { cwd?: string; timeout?: number } = {}): Promise<Result> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { timeout: options.timeout ?? 120_000, cwd: options.cwd }, (err, stdout, stderr) => {
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

export const tmp = (): string => mkdtempSync(join(tmpdir(), 'spikegpu-cli-'));

/** The lines spikegpu itself wrote on stderr (dawn adds warnings of its own). */
export const ownLines = (stderr: string): string[] => stderr.split('\n').filter((l) => l.startsWith('spikegpu'));

/** A usage error: exit code 2, one line "spikegpu: reason", then a hint where to read the usage. */
export function expectUsageError(r: Result, reason: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  const lines = r.stderr.split('\n');
  const at = lines.findIndex((l) => l.startsWith('spikegpu: '));
  expect(ownLines(r.stderr), r.stderr).toHaveLength(1);
  expect(lines[at]).toMatch(reason);
  expect(lines[at + 1]).toMatch(/^run 'spikegpu (help|--help|list)/);
  expect(r.stdout).toBe('');
}

/** Every file under `dir` with its bytes, to show that a folder did not change. */
export function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    files[name] = statSync(path).isDirectory() ? `<folder: ${Object.keys(snapshot(path)).join(',')}>` : readFileSync(path, 'latin1');
  }
  return files;
}
