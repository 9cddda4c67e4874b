// Spike pixels of a raster picture, counted in the page: dark (excitatory) or red (inhibitory)
// pixels have little green and blue. The picture is a canvas on the page or a PNG screenshot.
import type { Page } from '@playwright/test';

export async function spikePixels(page: Page, source: { canvas: string } | { png: Buffer }): Promise<number> {
  const src = 'png' in source ? { png: source.png.toString('base64') } : source;
  return page.evaluate(async (s) => {
    let image: CanvasImageSource & { width: number; height: number };
    if ('png' in s) {
      const img = new Image();
      img.src = `data:image/png;base64,${s.png}`;
      await img.decode();
      image = img;
    } else {
      image = document.querySelector<HTMLCanvasElement>(s.canvas)!;
    }
    const t = document.createElement('canvas');
    t.width = image.width;
    t.height = image.height;
    const ctx = t.getContext('2d')!;
    ctx.drawImage(image, 0, 0);
    const d = ctx.getImageData(0, 0, t.width, t.height).data;
    let n = 0;
    for (let k = 0; k < d.length; k += 4) if (d[k + 1]! < 64 && d[k + 2]! < 64) n++;
    return n;
  }, src);
}
