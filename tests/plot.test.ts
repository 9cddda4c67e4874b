// The SVG line charts (src/plot/lines.ts on src/plot/svg.ts's frame): where points land on linear
// and logarithmic axes, which ticks are labelled, and where the legend goes.
import { describe, expect, it } from 'vitest';
import { lineChartSvg } from '../src/plot/lines';
import { frame } from '../src/plot/svg';

/** The points of every polyline, in drawing order. */
function polylines(svg: string): [number, number][][] {
  return [...svg.matchAll(/<polyline[^>]* points="([^"]*)"/g)].map((m) => m[1]!.split(' ').filter(Boolean).map((p) => p.split(',').map(Number) as [number, number]));
}
/** The labels of the ticks: texts anchored middle below the plot (x) or end left of it (y). */
function tickLabels(svg: string, axis: 'x' | 'y'): string[] {
  const re = axis === 'x' ? /<text x="[\d.]+" y="[\d.]+" text-anchor="middle">([^<]*)<\/text>/g : /<text x="[\d.]+" y="[\d.]+" text-anchor="end" dominant-baseline="middle">([^<]*)<\/text>/g;
  return [...svg.matchAll(re)].map((m) => m[1]!);
}
const plotBox = (svg: string) => {
  const m = /<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="none"/.exec(svg)!;
  return { left: Number(m[1]), top: Number(m[2]), right: Number(m[1]) + Number(m[3]), bottom: Number(m[2]) + Number(m[4]) };
};

describe('line charts', () => {
  it('log–log axes put equal ratios at equal distances, inside the frame', () => {
    const series = { x: [10, 100, 1000], y: [1, 10, 100] };
    const svg = lineChartSvg([series], { xLabel: 'N', yLabel: 's', xLog: true, yLog: true });
    const log = polylines(svg)[0]!, box = plotBox(svg);
    expect(log[1]![0] - log[0]![0]).toBeCloseTo(log[2]![0] - log[1]![0], 0);
    expect(log[0]![1] - log[1]![1]).toBeCloseTo(log[1]![1] - log[2]![1], 0);
    for (const [x, y] of log) {
      expect(x).toBeGreaterThan(box.left); expect(x).toBeLessThan(box.right);
      expect(y).toBeGreaterThan(box.top); expect(y).toBeLessThan(box.bottom);
    }
    // The same points on linear axes: 100 sits near the left, a tenth of the way.
    const lin = polylines(lineChartSvg([series], { xLabel: 'N', yLabel: 's' }))[0]!;
    expect((lin[1]![0] - lin[0]![0]) / (lin[2]![0] - lin[0]![0])).toBeCloseTo(90 / 990, 3);
  });

  it('labels every power of ten on a log axis (1e4 and up as such), with unlabelled ticks at 2 … 9 times it', () => {
    const svg = lineChartSvg([{ x: [1000, 1_024_000], y: [0.05, 20] }], { xLabel: 'N', yLabel: 's', xLog: true, yLog: true });
    expect(tickLabels(svg, 'x')).toEqual(['1000', '1e4', '1e5', '1e6', 'N']);  // and the axis label
    expect(tickLabels(svg, 'y')).toEqual(['0.1', '1', '10']);
    const minor = [...svg.matchAll(/<line x1="([\d.]+)" x2="\1" y1="[\d.]+" y2="([\d.]+)" stroke="black"\/>/g)];
    const box = plotBox(svg);
    // The range is padded by 0.15 decade (5 % of 3): 708 … 1.45e6, so 800, 900, then 2 … 9 times 1e3, 1e4 and 1e5.
    expect(minor.filter((m) => Number(m[2]) === box.bottom + 3).length).toBe(2 + 3 * 8);
  });

  it('leaves out points at or below zero on a log axis, and a frame with such a range is refused by name', () => {
    const [pts] = polylines(lineChartSvg([{ x: [0, 10, 100], y: [5, -1, 50] }], { xLabel: 'N', yLabel: 's', xLog: true }));
    expect(pts).toHaveLength(2);  // x = 0 dropped; y may be negative on the linear y axis
    const [onlyPositive] = polylines(lineChartSvg([{ x: [1, 10, 100], y: [5, -1, 50] }], { xLabel: 'N', yLabel: 's', yLog: true }));
    expect(onlyPositive).toHaveLength(2);
    expect(() => frame({ width: 400, height: 300, x: [0, 10], y: [1, 2], xLabel: 'x', yLabel: 'y', xLog: true }))
      .toThrow(/logarithmic x axis needs a range above 0, got \[0, 10\]/);
  });

  it('puts the legend right of the plot when asked, with each series\' dashes on its sample line', () => {
    const series = [
      { x: [1, 2], y: [1, 2], label: 'COBAHH scaled · gpu one-workgroup' },
      { x: [1, 2], y: [2, 3], label: 'COBAHH scaled · cpu', dash: '3 6' },
    ];
    const inside = lineChartSvg(series, { xLabel: 'x', yLabel: 'y', width: 900 });
    const right = lineChartSvg(series, { xLabel: 'x', yLabel: 'y', width: 900, legend: 'right' });
    const boxRight = plotBox(right), boxInside = plotBox(inside);
    expect(boxRight.right).toBeLessThan(boxInside.right);  // the plot gives the legend its room
    const labels = [...right.matchAll(/<text x="([\d.]+)" y="[\d.]+" dominant-baseline="middle">([^<]*)<\/text>/g)];
    expect(labels.map((m) => m[2])).toEqual(['COBAHH scaled · gpu one-workgroup', 'COBAHH scaled · cpu']);
    for (const m of labels) {
      expect(Number(m[1])).toBeGreaterThan(boxRight.right);
      expect(Number(m[1]) + 6.5 * m[2]!.length).toBeLessThanOrEqual(900);
    }
    expect(right.match(/stroke-dasharray="3 6"/g)).toHaveLength(2);  // the line and its legend sample
  });
});
