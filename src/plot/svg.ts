// A plot frame as standalone SVG: title, box, ticks and axis labels over given ranges. The
// raster, trace, phase-plane and scan pictures draw into it.

function niceStep(range: number, target: number): number {
  const raw = range / target;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
}

export const esc = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
export const f1 = (v: number) => v.toFixed(1);

export interface FrameOptions {
  width: number;
  height: number;
  title?: string;
  /** The axes' ranges; on a logarithmic axis both ends must be > 0. */
  x: [number, number];
  y: [number, number];
  xLabel: string;
  yLabel: string;
  /** Logarithmic axes: ticks at every power of ten, smaller ones at 2 … 9 times it. */
  xLog?: boolean;
  yLog?: boolean;
  /** Extra room right of the plot (a legend outside it). */
  rightMargin?: number;
}

export interface Frame {
  /** SVG elements so far; draw by pushing more. */
  parts: string[];
  px: (x: number) => number;
  py: (y: number) => number;
  left: number;
  top: number;
  plotWidth: number;
  plotHeight: number;
  /** Adds the box, ticks and labels on top and returns the document. */
  finish(): string;
}

/** A tick: position along the axis, and its label (none for a minor tick). */
interface Tick { at: number; label: string | null }

const tickLabel = (t: number) => `${+t.toPrecision(6)}`;

function linearTicks(lo: number, hi: number, target: number): Tick[] {
  const step = niceStep(hi - lo, target), out: Tick[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9 * step; t += step) out.push({ at: t, label: tickLabel(t) });
  return out;
}

/** Powers of ten (labelled) and 2 … 9 times them (not) within [lo, hi]. */
function logTicks(lo: number, hi: number): Tick[] {
  const out: Tick[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (let m = 1; m <= 9; m++) {
      const t = m * 10 ** e;
      if (t >= lo * (1 - 1e-9) && t <= hi * (1 + 1e-9)) out.push({ at: t, label: m > 1 ? null : Math.abs(e) >= 4 ? `1e${e}` : tickLabel(t) });
    }
  }
  return out;
}

/** An axis' range made drawable: a degenerate range widened; a logarithmic one checked. */
function axisRange([lo, hi]: [number, number], log: boolean | undefined, name: string): [number, number] {
  if (log) {
    if (!(lo > 0 && hi > 0)) throw new RangeError(`a logarithmic ${name} axis needs a range above 0, got [${lo}, ${hi}]`);
    return hi > lo ? [lo, hi] : [lo / 10, lo * 10];
  }
  return hi > lo ? [lo, hi] : [lo - 1, lo + 1];
}

export function frame(o: FrameOptions): Frame {
  const W = o.width, H = o.height;
  const m = { left: 64, right: 16 + (o.rightMargin ?? 0), top: o.title ? 36 : 16, bottom: 48 };
  const pw = W - m.left - m.right, ph = H - m.top - m.bottom;
  const [x0, x1] = axisRange(o.x, o.xLog, 'x');
  const [y0, y1] = axisRange(o.y, o.yLog, 'y');
  const to = (log: boolean | undefined) => (v: number) => (log ? Math.log10(v) : v);
  const fx = to(o.xLog), fy = to(o.yLog);
  const px = (x: number) => m.left + ((fx(x) - fx(x0)) / (fx(x1) - fx(x0))) * pw;
  const py = (y: number) => m.top + ph - ((fy(y) - fy(y0)) / (fy(y1) - fy(y0))) * ph;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
  ];
  if (o.title) parts.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">${esc(o.title)}</text>`);
  const finish = () => {
    const out = [...parts, `<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="black"/>`];
    for (const t of o.xLog ? logTicks(x0, x1) : linearTicks(x0, x1, 8)) {
      out.push(`<line x1="${f1(px(t.at))}" x2="${f1(px(t.at))}" y1="${m.top + ph}" y2="${m.top + ph + (t.label === null ? 3 : 5)}" stroke="black"/>`);
      if (t.label !== null) out.push(`<text x="${f1(px(t.at))}" y="${m.top + ph + 18}" text-anchor="middle">${t.label}</text>`);
    }
    for (const t of o.yLog ? logTicks(y0, y1) : linearTicks(y0, y1, 5)) {
      out.push(`<line x1="${m.left - (t.label === null ? 3 : 5)}" x2="${m.left}" y1="${f1(py(t.at))}" y2="${f1(py(t.at))}" stroke="black"/>`);
      if (t.label !== null) out.push(`<text x="${m.left - 8}" y="${f1(py(t.at))}" text-anchor="end" dominant-baseline="middle">${t.label}</text>`);
    }
    out.push(`<text x="${m.left + pw / 2}" y="${H - 10}" text-anchor="middle">${esc(o.xLabel)}</text>`);
    out.push(`<text transform="translate(16 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`);
    out.push('</svg>');
    return out.join('\n');
  };
  return { parts, px, py, left: m.left, top: m.top, plotWidth: pw, plotHeight: ph, finish };
}
