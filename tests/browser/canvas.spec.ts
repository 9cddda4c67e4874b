// The raster presented in a WebGPU canvas (the path every hardware GPU takes), checked on what
// the compositor shows: a screenshot of the canvas element must hold the spikes.
import { expect, test } from '@playwright/test';

test('the GPU raster is presented in a WebGPU canvas', async ({ page }, info) => {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/?view=network&neurons=400&duration=300&seed=2&window=300&raster=canvas');
  await expect(page.locator('body')).toHaveAttribute('data-gpu', 'ready');
  await page.locator('[data-field="start"] button').click();
  await expect(page.locator('body')).toHaveAttribute('data-network-state', 'done', { timeout: 150_000 });
  await expect(page.locator('body')).toHaveAttribute('data-raster-path', 'gpu-canvas');
  await expect(page.locator('body')).toHaveAttribute('data-gpu', 'ready');
  const png = await page.locator('#raster-gpu').screenshot({ path: info.outputPath('network-webgpu-canvas.png') });
  const dark = await page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const t = document.createElement('canvas');
    t.width = img.width;
    t.height = img.height;
    const ctx = t.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, t.width, t.height).data;
    let n = 0;
    for (let k = 0; k < d.length; k += 4) if (d[k + 1]! < 64 && d[k + 2]! < 64) n++;
    return n;
  }, png.toString('base64'));
  expect(dark).toBeGreaterThan(200);
  expect(errors).toEqual([]);
});
