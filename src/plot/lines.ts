// Line charts as standalone SVG: traces against time, phase planes (one variable against
// another, the limit cycle), and scans (a measure against a parameter).
import { esc, f1, frame } from './svg';

export interface Series {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  label?: string;
  color?: string;
  /** Draw dots at the points (for scans) as well as the line. */
  markers?: boolean;
}

export interface LineChartOptions {
  title?: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  /** At most this many points per series are drawn (evenly thinned); default 4000. */
  maxPoints?: number;
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

function extent(series: Series[], key: 'x' | 'y'): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const s of series) for (let k = 0; k < s[key].length; k++) {
    const v = s[key][k]!;
    if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  }
  if (!Number.isFinite(lo)) return [0, 1];
  const pad = key === 'y' ? 0.05 * (hi - lo) : 0;
  return [lo - pad, hi + pad];
}

export function lineChartSvg(series: Series[], o: LineChartOptions): string {
  for (const s of series) if (s.x.length !== s.y.length) throw new RangeError(`series ${s.label ?? ''}: x has ${s.x.length} points, y has ${s.y.length}`);
  const fr = frame({
    width: o.width ?? 800, height: o.height ?? 420, title: o.title, x: extent(series, 'x'), y: extent(series, 'y'),
    xLabel: o.xLabel, yLabel: o.yLabel,
  });
  const maxPoints = o.maxPoints ?? 4000;
  series.forEach((s, q) => {
    const color = s.color ?? PALETTE[q % PALETTE.length]!;
    const stride = Math.max(1, Math.ceil(s.x.length / maxPoints));
    const pts: string[] = [];
    for (let k = 0; k < s.x.length; k += stride) {
      if (Number.isFinite(s.x[k]!) && Number.isFinite(s.y[k]!)) pts.push(`${f1(fr.px(s.x[k]!))},${f1(fr.py(s.y[k]!))}`);
    }
    fr.parts.push(`<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${pts.join(' ')}"/>`);
    if (s.markers) for (const p of pts) { const [x, y] = p.split(','); fr.parts.push(`<circle cx="${x}" cy="${y}" r="3" fill="${color}"/>`); }
    if (s.label) {
      const ly = fr.top + 16 + 16 * q;
      fr.parts.push(`<line x1="${fr.left + fr.plotWidth - 120}" x2="${fr.left + fr.plotWidth - 100}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"/>`);
      fr.parts.push(`<text x="${fr.left + fr.plotWidth - 94}" y="${ly}" dominant-baseline="middle">${esc(s.label)}</text>`);
    }
  });
  return fr.finish();
}
