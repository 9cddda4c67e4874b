// The option values every `spikegpu run` command shares, parsed so that a bad or empty value is a
// UsageError naming the option and its limit before any work starts.
import { Option } from 'commander';

/** A bad command line: exit code 2, a one-line reason and a hint where to read the usage (`hint` when it knows a better one). */
export class UsageError extends Error {
  constructor(message: string, readonly hint?: string) { super(message); }
}

/** A number as people type it (12, 0.5, 80e9); hex, Infinity and blanks are not. */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** The text given for `flag`; an empty one, or the next option taken as the value, is refused. */
export function given(flag: string, value: string): string {
  if (value === '') throw new UsageError(`${flag} needs a value, got an empty one`);
  if (value.startsWith('--')) throw new UsageError(`${flag} needs a value`);
  return value;
}

/** A parser of `flag`'s number, which `ok` accepts; `what` is the limit the message names. */
export function numberIn(flag: string, what: string, ok: (x: number) => boolean): (value: string) => number {
  return (value) => {
    const x = NUMBER.test(given(flag, value)) ? Number(value) : NaN;
    if (!ok(x)) throw new UsageError(`${flag} must be ${what}, got ${value}`);
    return x;
  };
}

export const integerIn = (flag: string, lo: number, hi: number): ((value: string) => number) =>
  numberIn(flag, `an integer in [${lo}, ${hi}]`, (x) => Number.isInteger(x) && x >= lo && x <= hi);

/** "a or b", "a, b or c", and "one of a, b, c, d" for longer lists. */
export function choiceList(choices: readonly string[]): string {
  if (choices.length > 3) return `one of ${choices.join(', ')}`;
  return choices.length === 1 ? choices[0]! : `${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}`;
}

export function oneOf<T extends string>(flag: string, choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(given(flag, value))) throw new UsageError(`${flag} must be ${choiceList(choices)}, got ${value}`);
    return value as T;
  };
}

/** An option whose value goes through `parse`; help shows `fallback` as its default. */
export function valueOption(flags: string, description: string, parse: (value: string) => unknown, fallback?: unknown): Option {
  const option = new Option(flags, description).argParser((value: string) => parse(value));
  return fallback === undefined ? option : option.default(fallback);
}

/** An option with a fixed set of values, listed in the help. */
export function choiceOption<T extends string>(flags: string, description: string, choices: readonly T[], fallback?: T): Option {
  const option = valueOption(flags, description, oneOf(flags.split(' ')[0]!, choices), fallback);
  option.argChoices = [...choices];
  return option;
}

export const BACKENDS = ['gpu', 'cpu'] as const;
export type Backend = (typeof BACKENDS)[number];

/** What every run command has: the result folder, the backend, --force and --quiet (absent flags are undefined). */
export interface CommonOptions { out: string; backend: Backend; force?: boolean; quiet?: boolean }

export function commonOptions(): Option[] {
  return [
    valueOption('--out <DIR>', 'folder the results are written into (created; see docs/cli.md for --force)', (v) => given('--out', v)).makeOptionMandatory(),
    choiceOption('--backend <NAME>', 'where to simulate (a software GPU when the machine has none)', BACKENDS, 'gpu'),
    new Option('--force', 'replace the results of an earlier run in DIR (files spikegpu did not write stay)'),
    new Option('--quiet', 'print nothing but errors (no progress bar, no summary line)'),
  ];
}

/** --duration in ms, in (0, max]. */
export function durationOption(fallback: number, max: number): Option {
  return valueOption('--duration <MS>', `simulated time in ms, in (0, ${max}]`,
    numberIn('--duration', `a duration in ms in (0, ${max}]`, (x) => x > 0 && x <= max), fallback);
}

/** --dt in ms, in (0, 10]; `fallback` when absent (none: the experiment's or the network's own). */
export function dtOption(about: string, fallback?: number): Option {
  return valueOption('--dt <MS>', `time step in ms, in (0, 10]${about}`, numberIn('--dt', 'a time step in ms in (0, 10]', (x) => x > 0 && x <= 10), fallback);
}

/** --seed, a whole number from 0 up; `fallback` when absent. */
export function seedOption(about: string, fallback?: number): Option {
  return valueOption('--seed <N>', `seed of every random draw${about}`, integerIn('--seed', 0, Number.MAX_SAFE_INTEGER), fallback);
}

/**
 * A run must make at least one step: shorter, it would write empty results and exit 0.
 * `step` names where dt came from ("--dt 10 ms", "the network's dt, 0.1 ms").
 */
export function checkSteps(duration: number, dt: number, step: string): void {
  if (duration < dt) throw new UsageError(`--duration must be at least one step (${step}), got ${duration}`);
}
