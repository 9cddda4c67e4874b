// Spike raster as a standalone SVG, laid out like the seed's figure (time × neuron, population bands).
import type { SpikeList } from '../run/recorder.js';
import { esc, f1, frame } from './svg.js';

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

export function rasterSvg(spikes: SpikeList, o: RasterOptions): string {
  const T = o.steps * o.dt;
  const fr = frame({
    width: o.width ?? 700, height: o.height ?? 700, title: o.title, x: [0, T], y: [0, o.neurons],
    xLabel: 'Time (ms)', yLabel: 'Neuron index',
  });
  const { px, py } = fr;
  const dots: string[] = [];
  for (let k = 0; k < spikes.step.length; k++) dots.push(`M${f1(px(spikes.step[k]! * o.dt))} ${f1(py(spikes.neuron[k]! + 0.5))}h0`);
  fr.parts.push(`<path d="${dots.join('')}" stroke="black" stroke-width="2" stroke-linecap="round"/>`);
  for (const p of o.populations ?? []) {
    if (p.start > 0) fr.parts.push(`<line x1="${fr.left}" x2="${fr.left + fr.plotWidth}" y1="${f1(py(p.start))}" y2="${f1(py(p.start))}" stroke="black"/>`);
    const yMid = py(p.start + p.size / 2);
    fr.parts.push(`<text x="${fr.left + fr.plotWidth - 8}" y="${f1(yMid)}" text-anchor="end" dominant-baseline="middle" stroke="white" stroke-width="4" paint-order="stroke">${esc(p.name)}</text>`);
  }
  return fr.finish();
}
