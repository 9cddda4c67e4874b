// What every benchmark script shares: its command-line options and the median of repeated runs.

/** The value after `--name` on the command line, or `fallback`. */
export const arg = (name, fallback) => {
  const k = process.argv.indexOf(`--${name}`);
  return k > 0 ? process.argv[k + 1] : fallback;
};

/** Whether `--name` is on the command line. */
export const flag = (name) => process.argv.includes(`--${name}`);

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
