// Line charts as standalone SVG: traces against time, phase planes (one variable against
// another, the limit cycle), and scans (a measure against a parameter).
import { esc, f1, frame } from './svg.js';

export interface Series {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  label?: string;
  color?: string;
  /** Draw dots at the points (for scans) as well as the line. */
  markers?: boolean;
  /** An SVG stroke-dasharray, e.g. '6 4' (default: a solid line). */
  dash?: string;
}

export interface LineChartOptions {
  title?: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  /** At most this many points per series are drawn (evenly thinned); default 4000. */
  maxPoints?: number;
  /** Logarithmic axes (log–log: time against size); points at or below 0 there are left out. */
  xLog?: boolean;
  yLog?: boolean;
  /** Where the labels go: inside the plot's top right corner (default), or right of the plot. */
  legend?: 'inside' | 'right';
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

/** The range of a series' values that the axis can draw (on a log axis, those above 0), padded for y. */
function extent(series: Series[], key: 'x' | 'y', log: boolean | undefined): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const s of series) for (let k = 0; k < s[key].length; k++) {
    const v = s[key][k]!;
    if (Number.isFinite(v) && (!log || v > 0)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  }
  if (!Number.isFinite(lo)) return log ? [1, 10] : [0, 1];
  if (log) {  // padded by 5 % of the decades spanned (at least a tenth of one), so no point sits on the frame
    const pad = Math.max(0.1, 0.05 * Math.log10(hi / lo));
    return [lo / 10 ** pad, hi * 10 ** pad];
  }
  const pad = key === 'y' ? 0.05 * (hi - lo) : 0;
  return [lo - pad, hi + pad];
}

const LEGEND_SAMPLE = 24;  // the line drawn before a label
const CHAR_WIDTH = 6.5;    // about, at font-size 12

export function lineChartSvg(series: Series[], o: LineChartOptions): string {
  for (const s of series) if (s.x.length !== s.y.length) throw new RangeError(`series ${s.label ?? ''}: x has ${s.x.length} points, y has ${s.y.length}`);
  const right = o.legend === 'right';
  const longest = Math.max(0, ...series.map((s) => s.label?.length ?? 0));
  const fr = frame({
    width: o.width ?? 800, height: o.height ?? 420, title: o.title, x: extent(series, 'x', o.xLog), y: extent(series, 'y', o.yLog),
    xLabel: o.xLabel, yLabel: o.yLabel, xLog: o.xLog, yLog: o.yLog,
    rightMargin: right && longest > 0 ? LEGEND_SAMPLE + 16 + CHAR_WIDTH * longest : 0,
  });
  const drawable = (x: number, y: number) => Number.isFinite(x) && Number.isFinite(y) && (!o.xLog || x > 0) && (!o.yLog || y > 0);
  const legendX = right ? fr.left + fr.plotWidth + 16 : fr.left + fr.plotWidth - 120;
  const maxPoints = o.maxPoints ?? 4000;
  let row = 0;
  series.forEach((s, q) => {
    const color = s.color ?? PALETTE[q % PALETTE.length]!;
    const dash = s.dash ? ` stroke-dasharray="${esc(s.dash)}"` : '';
    const stride = Math.max(1, Math.ceil(s.x.length / maxPoints));
    const pts: string[] = [];
    for (let k = 0; k < s.x.length; k += stride) {
      if (drawable(s.x[k]!, s.y[k]!)) pts.push(`${f1(fr.px(s.x[k]!))},${f1(fr.py(s.y[k]!))}`);
    }
    fr.parts.push(`<polyline fill="none" stroke="${color}" stroke-width="1.5"${dash} points="${pts.join(' ')}"/>`);
    if (s.markers) for (const p of pts) { const [x, y] = p.split(','); fr.parts.push(`<circle cx="${x}" cy="${y}" r="3" fill="${color}"/>`); }
    if (s.label) {
      const ly = fr.top + 16 + 16 * row++;
      fr.parts.push(`<line x1="${legendX}" x2="${legendX + LEGEND_SAMPLE}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"${dash}/>`);
      fr.parts.push(`<text x="${legendX + LEGEND_SAMPLE + 6}" y="${ly}" dominant-baseline="middle">${esc(s.label)}</text>`);
    }
  });
  return fr.finish();
}
