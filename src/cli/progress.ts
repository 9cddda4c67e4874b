// The progress bar on stderr: drawn only on a terminal, since a pipe or a log file would collect
// every redraw; --quiet silences it everywhere.

/** The part of a stream the bar needs (process.stderr, or a test's stand-in). */
export interface ProgressStream { isTTY?: boolean; columns?: number; write(text: string): unknown }

/** Whether a run shows its progress: only on a terminal, and never with --quiet. */
export function showsProgress(stream: Pick<ProgressStream, 'isTTY'>, quiet: boolean): boolean {
  return !quiet && stream.isTTY === true;
}

const seconds = (s: number) => (s < 100 ? `${s.toFixed(1)} s` : `${Math.round(s)} s`);

/** One redraw of the bar, at most `columns` wide: [####----]  42%  420/1000 steps  1.3 s, 1.8 s left. */
export function progressLine(done: number, total: number, elapsedSeconds: number, columns = 80): string {
  const fraction = total > 0 ? Math.min(1, done / total) : 1;
  const left = done > 0 && done < total ? `, ${seconds((elapsedSeconds * (total - done)) / done)} left` : '';
  const text = `${(100 * fraction).toFixed(0).padStart(3)}%  ${done}/${total} steps  ${seconds(elapsedSeconds)}${left}`;
  const width = Math.max(0, Math.min(40, (columns || 80) - text.length - 5));
  const filled = Math.round(fraction * width);
  return width < 5 ? text : `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]  ${text}`;
}

/** The stream whose bar line is still open (no newline after it yet). */
let openLine: ProgressStream | undefined;

/** Ends an unfinished bar's line, so that what is printed next (an error, a summary) starts on its own line. */
export function endProgressLine(): void {
  openLine?.write('\n');
  openLine = undefined;
}

/** The run's onProgress callback: a bar redrawn at most ten times a second, or undefined when none is shown. */
export function progressBar(quiet: boolean, stream: ProgressStream = process.stderr): ((done: number, total: number) => void) | undefined {
  if (!showsProgress(stream, quiet)) return undefined;
  const start = performance.now();
  let lastDraw = -Infinity;
  return (done, total) => {
    const now = performance.now();
    if (now - lastDraw < 100 && done < total) return;
    lastDraw = now;
    // \r back to the line's start and \x1b[K to clear what a longer earlier line left.
    stream.write(`\r${progressLine(done, total, (now - start) / 1000, stream.columns)}\x1b[K`);
    openLine = stream;
    if (done >= total) endProgressLine();
  };
}
