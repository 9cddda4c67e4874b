// The consumer project's pages (tests/consumer/), bundled by tests/consumer.test.ts with vite and
// with esbuild from the packed package, run in Chromium: each runs the seed network on the GPU,
// the last from a program compiled ahead of time (spikegpu/program).
// Served from disk under the app's origin (localhost, so WebGPU is available).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Page, expect, test } from '@playwright/test';

const BUILT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-results', 'consumer');

/** Runs one bundle's page and returns what it printed. */
async function runPage(page: Page, bundler: string): Promise<{ backend?: string; spikes?: number; error?: string; pageErrors: string[] }> {
  expect(existsSync(join(BUILT, bundler, 'index.html')), 'tests/consumer.test.ts (vitest, run first by npm test) builds the bundles').toBe(true);
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.route('**/consumer/**', (route) => {
    const file = join(BUILT, decodeURIComponent(new URL(route.request().url()).pathname.replace(/^\/consumer\//, '')));
    return existsSync(file) ? route.fulfill({ path: file }) : route.fulfill({ status: 404 });
  });
  await page.goto(`/consumer/${bundler}/index.html`);
  await expect(page.locator('#out')).not.toHaveText('running', { timeout: 120_000 });
  const text = await page.locator('#out').textContent();
  return { ...JSON.parse(text!.startsWith('{') ? text! : `{"error": ${JSON.stringify(text)}}`) as { backend?: string; spikes?: number; error?: string }, pageErrors };
}

const spikes: Record<string, number | undefined> = {};
for (const bundler of ['vite', 'esbuild', 'esbuild-program']) {
  test(`the package's page bundled with ${bundler} runs the seed network on the GPU`, async ({ page }) => {
    const result = await runPage(page, bundler);
    expect(result.error).toBeUndefined();
    expect(result.backend).not.toMatch(/CPU/);
    expect(result.spikes).toBeGreaterThan(10);
    expect(result.pageErrors).toEqual([]);
    spikes[bundler] = result.spikes;
  });
}

test('the page loading the compiled program counts the spikes the page compiling it does', async ({ page }) => {
  // The pages above ran in this worker first (one worker, in order); a lone run of this test runs both here.
  for (const bundler of ['esbuild', 'esbuild-program']) spikes[bundler] ??= (await runPage(page, bundler)).spikes;
  expect(spikes['esbuild-program']).toBe(spikes.esbuild);
});
