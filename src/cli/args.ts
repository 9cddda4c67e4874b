// What every `spikegpu run` command shares: option parsing, the output folder check, progress.
import { mkdir, readdir } from 'node:fs/promises';

/** A bad command line: exit code 2 and a one-line reason. */
export class UsageError extends Error {}

/**
 * `--name value`, `--name=value` and bare flags from `rest`; anything else is a UsageError
 * (`context` is added to the unknown-option message).
 */
export function parseOptions(
  rest: readonly string[], names: readonly string[], flagNames: readonly string[], context = '',
): { opts: Record<string, string>; flags: Set<string> } {
  const opts: Record<string, string> = {};
  const flags = new Set<string>();
  for (let k = 0; k < rest.length; k++) {
    const a = rest[k]!;
    if (a.startsWith('--') && flagNames.includes(a.slice(2))) { flags.add(a.slice(2)); continue; }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m || !names.includes(m[1]!)) throw new UsageError(`unknown option ${a}${context}`);
    const value = m[2] ?? rest[++k];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`--${m[1]} needs a value`);
    opts[m[1]!] = value;
  }
  return { opts, flags };
}

/** Reads numeric options: `fallback` when absent, a UsageError naming `what` when `check` fails. */
export function numberOption(opts: Record<string, string>) {
  return <T extends number | undefined>(name: string, fallback: T, check: (x: number) => boolean, what: string): number | T => {
    if (opts[name] === undefined) return fallback;
    const x = Number(opts[name]);
    if (!check(x)) throw new UsageError(`--${name} must be ${what}, got ${opts[name]}`);
    return x;
  };
}

/** --out (required) and --backend gpu|cpu (default gpu). */
export function outAndBackend(opts: Record<string, string>): { out: string; backend: 'gpu' | 'cpu' } {
  if (!opts.out) throw new UsageError('--out DIR is required');
  const backend = opts.backend ?? 'gpu';
  if (backend !== 'gpu' && backend !== 'cpu') throw new UsageError(`--backend must be gpu or cpu, got ${backend}`);
  return { out: opts.out, backend };
}

/** Refuses to overwrite a user's files silently. */
export async function prepareOut(dir: string, force: boolean, outputs: readonly string[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  const clash = (await readdir(dir)).filter((f) => outputs.includes(f));
  if (clash.length > 0 && !force) throw new UsageError(`${dir} already holds ${clash.join(', ')}; choose another --out or pass --force to overwrite`);
}

/** A progress callback printing "pct%  done/total steps  seconds" to stderr at most twice a second. */
export function progress(quiet: boolean): (done: number, total: number) => void {
  const t0 = performance.now();
  let lastPrint = 0;
  return (done, total) => {
    const now = performance.now();
    if (quiet || (now - lastPrint < 500 && done < total)) return;
    lastPrint = now;
    const pct = ((100 * done) / total).toFixed(0).padStart(3);
    process.stderr.write(`\r${pct}%  ${done}/${total} steps  ${((now - t0) / 1000).toFixed(1)} s`);
    if (done === total) process.stderr.write('\n');
  };
}
