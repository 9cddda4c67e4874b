// The raster presented in a WebGPU canvas (the path every hardware GPU takes), checked on what
// the compositor shows: a screenshot of the canvas element must hold the spikes.
import { expect, test } from '@playwright/test';
import { spikePixels } from './pixels';

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
  const dark = await spikePixels(page, { png });
  expect(dark).toBeGreaterThan(200);
  expect(errors).toEqual([]);
});
