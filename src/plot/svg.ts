// A plot frame as standalone SVG: title, box, ticks and axis labels over given ranges. The
// raster, trace, phase-plane and scan pictures draw into it.

export function niceStep(range: number, target: number): number {
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
  x: [number, number];
  y: [number, number];
  xLabel: string;
  yLabel: string;
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

export function frame(o: FrameOptions): Frame {
  const W = o.width, H = o.height;
  const m = { left: 64, right: 16, top: o.title ? 36 : 16, bottom: 48 };
  const pw = W - m.left - m.right, ph = H - m.top - m.bottom;
  const [x0, x1] = o.x[1] > o.x[0] ? o.x : [o.x[0] - 1, o.x[0] + 1];
  const [y0, y1] = o.y[1] > o.y[0] ? o.y : [o.y[0] - 1, o.y[0] + 1];
  const px = (x: number) => m.left + ((x - x0) / (x1 - x0)) * pw;
  const py = (y: number) => m.top + ph - ((y - y0) / (y1 - y0)) * ph;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
  ];
  if (o.title) parts.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">${esc(o.title)}</text>`);
  const finish = () => {
    const out = [...parts, `<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="black"/>`];
    const xs = niceStep(x1 - x0, 8);
    for (let t = Math.ceil(x0 / xs) * xs; t <= x1 + 1e-9 * xs; t += xs) {
      out.push(`<line x1="${f1(px(t))}" x2="${f1(px(t))}" y1="${m.top + ph}" y2="${m.top + ph + 5}" stroke="black"/>`);
      out.push(`<text x="${f1(px(t))}" y="${m.top + ph + 18}" text-anchor="middle">${+t.toPrecision(6)}</text>`);
    }
    const ys = niceStep(y1 - y0, 5);
    for (let t = Math.ceil(y0 / ys) * ys; t <= y1 + 1e-9 * ys; t += ys) {
      out.push(`<line x1="${m.left - 5}" x2="${m.left}" y1="${f1(py(t))}" y2="${f1(py(t))}" stroke="black"/>`);
      out.push(`<text x="${m.left - 8}" y="${f1(py(t))}" text-anchor="end" dominant-baseline="middle">${+t.toPrecision(6)}</text>`);
    }
    out.push(`<text x="${m.left + pw / 2}" y="${H - 10}" text-anchor="middle">${esc(o.xLabel)}</text>`);
    out.push(`<text transform="translate(16 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`);
    out.push('</svg>');
    return out.join('\n');
  };
  return { parts, px, py, left: m.left, top: m.top, plotWidth: pw, plotHeight: ph, finish };
}
