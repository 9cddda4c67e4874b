// Spike raster as a standalone SVG, laid out like the seed's figure (time × neuron, population bands).
import type { SpikeList } from '../recording';

export interface RasterOptions {
  steps: number;
  dt: number;
  neurons: number;
  /** Population bands: a divider is drawn at each start > 0 and the name written inside. */
  populations?: { name: string; start: number; size: number }[];
  title?: string;
  width?: number;
  height?: number;
}

function niceStep(range: number, target: number): number {
  const raw = range / target;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
}

const esc = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

export function rasterSvg(spikes: SpikeList, o: RasterOptions): string {
  const W = o.width ?? 700, H = o.height ?? 700;
  const m = { left: 64, right: 16, top: o.title ? 36 : 16, bottom: 48 };
  const pw = W - m.left - m.right, ph = H - m.top - m.bottom;
  const T = o.steps * o.dt;
  const x = (ms: number) => m.left + (ms / T) * pw;
  const y = (i: number) => m.top + ph - (i / o.neurons) * ph;
  const f = (v: number) => v.toFixed(1);

  const dots: string[] = [];
  for (let k = 0; k < spikes.steps.length; k++) dots.push(`M${f(x(spikes.steps[k]! * o.dt))} ${f(y(spikes.neurons[k]! + 0.5))}h0`);

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
  ];
  if (o.title) parts.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">${esc(o.title)}</text>`);
  parts.push(`<path d="${dots.join('')}" stroke="black" stroke-width="2" stroke-linecap="round"/>`);
  for (const p of o.populations ?? []) {
    if (p.start > 0) parts.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${f(y(p.start))}" y2="${f(y(p.start))}" stroke="black"/>`);
    const yMid = y(p.start + p.size / 2);
    parts.push(`<text x="${m.left + pw - 8}" y="${f(yMid)}" text-anchor="end" dominant-baseline="middle" stroke="white" stroke-width="4" paint-order="stroke">${esc(p.name)}</text>`);
  }
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="black"/>`);
  const xs = niceStep(T, 8);
  for (let t = 0; t <= T + 1e-9; t += xs) {
    parts.push(`<line x1="${f(x(t))}" x2="${f(x(t))}" y1="${m.top + ph}" y2="${m.top + ph + 5}" stroke="black"/>`);
    parts.push(`<text x="${f(x(t))}" y="${m.top + ph + 18}" text-anchor="middle">${+t.toFixed(6)}</text>`);
  }
  const ys = niceStep(o.neurons, 5);
  for (let i = 0; i <= o.neurons; i += ys) {
    parts.push(`<line x1="${m.left - 5}" x2="${m.left}" y1="${f(y(i))}" y2="${f(y(i))}" stroke="black"/>`);
    parts.push(`<text x="${m.left - 8}" y="${f(y(i))}" text-anchor="end" dominant-baseline="middle">${i}</text>`);
  }
  parts.push(`<text x="${m.left + pw / 2}" y="${H - 10}" text-anchor="middle">Time (ms)</text>`);
  parts.push(`<text transform="translate(16 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">Neuron index</text>`);
  parts.push('</svg>');
  return parts.join('\n');
}
