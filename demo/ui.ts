// What every view shares: settings in the URL, lil-gui controls with errors shown next to the
// field, uPlot charts (time series and x–y trajectories), downloads, and the status line.
import GUI, { type Controller } from 'lil-gui';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export type Settings = Record<string, string | number | boolean>;

/** The view's settings: `defaults`, overridden by the URL's parameters of the same names. */
export function readUrl<T extends Settings>(defaults: T): T {
  const q = new URLSearchParams(location.search), out: Settings = { ...defaults };
  for (const [k, d] of Object.entries(defaults)) {
    const v = q.get(k);
    if (v === null) continue;
    out[k] = typeof d === 'number' ? Number(v) : typeof d === 'boolean' ? v === 'true' || v === '1' : v;
  }
  return out as T;
}

/** Puts the view and its settings in the address bar, so the view can be shared. */
export function writeUrl(view: string, settings: Settings): void {
  const q = new URLSearchParams({ view });
  for (const [k, v] of Object.entries(settings)) q.set(k, String(v));
  history.replaceState(null, '', `?${q}`);
}

export function makeGui(container: HTMLElement, title: string): GUI {
  return new GUI({ container, title, width: 300 });
}

/** Tags a controller for tests and styling (`[data-field=name]`). */
export function tag<C extends Controller>(c: C, field: string): C {
  c.domElement.dataset.field = field;
  return c;
}

/** Shows `message` next to the controller's field, or clears it. */
export function fieldError(c: Controller, message: string | null): void {
  const el = c.domElement;
  let box = el.nextElementSibling as HTMLElement | null;
  if (!box?.classList.contains('field-error')) {
    if (message === null) return;
    box = document.createElement('div');
    box.className = 'field-error';
    box.setAttribute('role', 'alert');
    el.after(box);
  }
  if (message === null) box.remove();
  else box.textContent = message;
  el.classList.toggle('invalid', message !== null);
}

/** A validated integer setting: the message names the field and its limits. */
export function intError(name: string, v: number, lo: number, hi: number, why = ''): string | null {
  return Number.isInteger(v) && v >= lo && v <= hi ? null : `${name} must be an integer in [${lo}, ${hi}]${why}, got ${v}`;
}

export function numberError(name: string, v: number, lo: number, hi: number): string | null {
  return Number.isFinite(v) && v > lo && v <= hi ? null : `${name} must be in (${lo}, ${hi}], got ${v}`;
}

export function el<K extends keyof HTMLElementTagNameMap>(tagName: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tagName);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

/** Runs async actions one at a time, in order; a failure goes to `onError` and the queue goes on. */
export function serial(onError: (e: Error) => void): (f: () => Promise<void>) => Promise<void> {
  let tail: Promise<void> = Promise.resolve();
  return (f) => (tail = tail.then(f).catch(onError));
}

export class StatusLine {
  readonly node = el('div', { class: 'status', role: 'status' });
  say(text: string, error = false): void {
    this.node.textContent = text;
    this.node.classList.toggle('error', error);
  }
}

export function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The views' spike rasters: canvas pixels. */
export const RASTER_WIDTH = 900, RASTER_HEIGHT = 360;

export const PALETTE = ['#1f4e9c', '#c0392b', '#2e8b57', '#8e44ad', '#d35400', '#16a085'];

function width(container: HTMLElement): number {
  return Math.max(320, Math.min(900, container.clientWidth || 900));
}

/** Tick labels with three significant digits (uPlot's default rounds 0.0005 steps to 0.001). */
const ticks = (_u: uPlot, values: number[]) => values.map((v) => String(Number(v.toPrecision(3))));

/** A time-series chart (shared x) with one line per series. */
export function timeChart(container: HTMLElement, o: { title: string; x: string; y: string; series: string[]; height?: number; y2?: string; onY2?: string[] }): uPlot {
  const axes: uPlot.Axis[] = [{ label: o.x, values: ticks }, { label: o.y, values: ticks }];
  if (o.y2) axes.push({ label: o.y2, scale: 'y2', side: 1, grid: { show: false }, values: ticks, size: 60 });
  return new uPlot({
    title: o.title, width: width(container), height: o.height ?? 220,
    scales: { x: { time: false } },
    axes,
    series: [{ label: o.x }, ...o.series.map((label, k) => ({
      label, stroke: PALETTE[k % PALETTE.length], width: 1.25, ...(o.onY2?.includes(label) ? { scale: 'y2' } : {}),
      points: { show: false },
    }))],
  }, [[], ...o.series.map(() => [])], container);
}

/** Draws each series' points joined in order, x not sorted (a trajectory in a phase plane). */
const trajectory: uPlot.Series.PathBuilder = (u, seriesIdx) => {
  const [xs, ys] = (u.data[seriesIdx] as unknown as [number[], number[]]);
  const s = u.series[seriesIdx]!, path = new Path2D();
  const sx = s.facets![0]!.scale, sy = s.facets![1]!.scale;
  for (let k = 0; k < xs.length; k++) {
    const px = u.valToPos(xs[k]!, sx, true), py = u.valToPos(ys[k]!, sy, true);
    if (k === 0) path.moveTo(px, py); else path.lineTo(px, py);
  }
  return { stroke: path, flags: 0 };
};

/** An x–y chart of trajectories (uPlot's mode 2: unordered x). */
export function xyChart(container: HTMLElement, o: { title: string; x: string; y: string; series: string[]; size?: number }): uPlot {
  const size = Math.min(o.size ?? 320, width(container));
  return new uPlot({
    mode: 2, title: o.title, width: size, height: size,
    scales: { x: { time: false, auto: true }, y: { auto: true } },
    axes: [{ label: o.x }, { label: o.y }],
    legend: { show: true, live: false },
    cursor: { show: false },
    series: [{}, ...o.series.map((label, k) => ({
      label, stroke: PALETTE[k % PALETTE.length], width: k === 0 ? 1 : 2.5, paths: trajectory, points: { show: false },
      facets: [{ scale: 'x', auto: true }, { scale: 'y', auto: true }],
    }))],
  } as uPlot.Options, [null, ...o.series.map(() => [[], []])] as unknown as uPlot.AlignedData, container);
}

/** Replaces an x–y chart's trajectories. */
export function setXY(u: uPlot, series: [ArrayLike<number>, ArrayLike<number>][]): void {
  u.setData([null, ...series.map(([x, y]) => [Array.from(x), Array.from(y)])] as unknown as uPlot.AlignedData);
}

/** Every k-th sample, so a chart gets at most about `max` points per series. */
export function thin(values: ArrayLike<number>, max = 4000): number[] {
  const k = Math.max(1, Math.ceil(values.length / max)), out: number[] = [];
  for (let i = 0; i < values.length; i += k) out.push(values[i]!);
  return out;
}

export type { GUI, Controller };
export { uPlot };
