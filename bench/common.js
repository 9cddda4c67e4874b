// What every benchmark script shares: its command-line options, the median of repeated runs, and
// the Python reference programs (one interpreter for all: Debian's, where python3-numpy and
// python3-brian live; PYTHON names another).
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The value after `--name` on the command line, or `fallback`. */
export const arg = (name, fallback) => {
  const k = process.argv.indexOf(`--${name}`);
  return k > 0 ? process.argv[k + 1] : fallback;
};

/** Whether `--name` is on the command line. */
export const flag = (name) => process.argv.includes(`--${name}`);

/** Batched HH (issue 3): `size` independent Neun HH neurons, RK4, dt = 0.01 ms, a constant input so they fire. */
export const hhBatch = (size) => ({
  name: 'hh-batch', dt: 0.01, seed: 0,
  populations: [{ name: 'hh', size, model: 'hodgkin_huxley', preset: 'neun', integrator: 'rk4' }],
  inputs: [{ kind: 'constant', target: 'hh', amplitude: 0.1 }],
  record: { spikes: false },
});

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs bench/`script` with `args` under PYTHON (default /usr/bin/python3); its last line's JSON, or null (said on stderr) when it cannot run. */
export function python(script, args) {
  const interpreter = process.env.PYTHON ?? '/usr/bin/python3';
  try {
    const out = execFileSync(interpreter, [join(dirname(fileURLToPath(import.meta.url)), script), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return JSON.parse(out.trim().split('\n').pop());
  } catch (e) {
    console.error(`(${script} did not run under ${interpreter}: ${e.message.split('\n')[0]})`);
    return null;
  }
}
