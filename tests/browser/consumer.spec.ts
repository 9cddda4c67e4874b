// The consumer project's page (tests/consumer/), bundled by tests/consumer.test.ts with vite and
// with esbuild from the packed package, run in Chromium: each runs the seed network on the GPU.
// Served from disk under the app's origin (localhost, so WebGPU is available).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';

const BUILT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-results', 'consumer');

for (const bundler of ['vite', 'esbuild']) {
  test(`the package's page bundled with ${bundler} runs the seed network on the GPU`, async ({ page }) => {
    expect(existsSync(join(BUILT, bundler, 'index.html')), 'tests/consumer.test.ts (vitest, run first by npm test) builds the bundles').toBe(true);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.route('**/consumer/**', (route) => {
      const file = join(BUILT, decodeURIComponent(new URL(route.request().url()).pathname.replace(/^\/consumer\//, '')));
      return existsSync(file) ? route.fulfill({ path: file }) : route.fulfill({ status: 404 });
    });
    await page.goto(`/consumer/${bundler}/index.html`);
    await expect(page.locator('#out')).not.toHaveText('running', { timeout: 120_000 });
    const text = await page.locator('#out').textContent();
    const result = JSON.parse(text!.startsWith('{') ? text! : `{"error": ${JSON.stringify(text)}}`) as { backend?: string; spikes?: number; error?: string };
    expect(result.error).toBeUndefined();
    expect(result.backend).not.toMatch(/CPU/);
    expect(result.spikes).toBeGreaterThan(10);
    expect(errors).toEqual([]);
  });
}
