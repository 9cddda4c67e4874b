// What every benchmark script shares: its command-line options and the median of repeated runs.

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
