// The library in Chromium: navigator.gpu (SwiftShader here) runs the seed network, the page
// shows a raster with spikes, and the CPU reference takes over where WebGPU is missing.
import { expect, test, type Page } from '@playwright/test';

function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

async function runAndWait(page: Page): Promise<{ spikes: number; adapter: string; status: string }> {
  await page.evaluate(() => { delete document.body.dataset.spikes; });
  await page.click('#run');
  await expect(page.locator('body')).toHaveAttribute('data-spikes', /\d+/, { timeout: 150_000 });
  return {
    spikes: Number(await page.locator('body').getAttribute('data-spikes')),
    adapter: (await page.locator('body').getAttribute('data-adapter')) ?? '',
    status: (await page.locator('#status').textContent()) ?? '',
  };
}

/** Dark pixels in the raster canvas: spikes were drawn, not just a canvas present. */
async function darkPixels(page: Page): Promise<number> {
  return page.evaluate(() => {
    const c = document.querySelector('canvas')!;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let k = 0; k < d.length; k += 4) if (d[k]! < 64 && d[k + 1]! < 64 && d[k + 2]! < 64) n++;
    return n;
  });
}

test('the seed network runs on WebGPU in Chromium and matches the CPU reference', async ({ page }, info) => {
  const errors = collectErrors(page);
  await page.goto('/?neurons=400&duration=300&seed=2&backend=gpu');
  expect(await page.evaluate(() => 'gpu' in navigator)).toBe(true);
  await expect(page.locator('select[name=types]')).toHaveValue('original');
  const gpu = await runAndWait(page);
  expect(gpu.adapter).toMatch(/swiftshader|browser/i);
  expect(gpu.spikes).toBeGreaterThan(200);
  expect(await darkPixels(page)).toBeGreaterThan(200);
  // Controls change the result: another seed gives another raster.
  await page.fill('input[name=seed]', '3');
  const other = await runAndWait(page);
  expect(other.spikes).not.toBe(gpu.spikes);
  await page.fill('input[name=seed]', '2');
  await runAndWait(page);
  await page.screenshot({ path: info.outputPath('gpu.png') });

  await page.goto('/?neurons=400&duration=300&seed=2&backend=cpu');
  const cpu = await runAndWait(page);
  expect(cpu.adapter).toMatch(/CPU/);
  expect(Math.abs(gpu.spikes - cpu.spikes) / cpu.spikes).toBeLessThan(0.05);
  expect(errors).toEqual([]);
});

test('without WebGPU the page says so and runs on the CPU reference', async ({ browser }) => {
  const context = await browser.newContext();
  await context.addInitScript(() => { delete (Navigator.prototype as { gpu?: unknown }).gpu; });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto('/?neurons=200&duration=100');
  await expect(page.locator('#status')).toContainText('no WebGPU');
  const run = await runAndWait(page);
  expect(run.adapter).toMatch(/CPU/);
  expect(run.spikes).toBeGreaterThan(0);
  expect(errors).toEqual([]);
  await context.close();
});
