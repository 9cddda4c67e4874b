// docs/browser.md's page examples run in Chromium as a reader would run them: each ts block bundled
// by esbuild against the package's browser build (dist/index.js, made by npm test's build), in the
// page's HTML (the page's own for the minimal page; the elements the live view names for the
// other), served from disk under the app's origin so WebGPU is there.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { expect, test, type Page } from '@playwright/test';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const page = readFileSync(join(ROOT, 'docs', 'browser.md'), 'utf8');
const blocks = (language: string) => [...page.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].filter((m) => m[1] === language).map((m) => m[2]!);

/** Bundles `code` for the browser with `html` beside it, served under /docs-page/. */
async function served(p: Page, code: string, html: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'spikegpu-docs-page-'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'main.ts'), code);
  await build({
    entryPoints: [join(dir, 'main.ts')], bundle: true, format: 'esm', platform: 'browser', outfile: join(dir, 'main.js'),
    alias: { spikegpu: join(ROOT, 'dist', 'index.js') }, nodePaths: [join(ROOT, 'node_modules')], logLevel: 'error',
  });
  writeFileSync(join(dir, 'index.html'), html.replace('./main.ts', './main.js'));
  await p.route('**/docs-page/**', (route) => route.fulfill({ path: join(dir, new URL(route.request().url()).pathname.replace(/^\/docs-page\//, '')) }));
}

test('docs/browser.md, the minimal page: its button runs the seed network on the GPU and draws the raster', async ({ page: p }) => {
  const errors: string[] = [];
  p.on('pageerror', (e) => errors.push(e.message));
  await served(p, blocks('ts')[0]!, blocks('html')[0]!);
  await p.goto('/docs-page/index.html');
  await p.locator('#start').click();
  await expect(p.locator('#status')).toHaveText(/\(.*\): \d+ spikes in [\d.]+ s$/, { timeout: 150_000 });
  expect(await p.locator('#status').textContent()).not.toMatch(/no WebGPU/);
  const inked = await p.locator('#raster').evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let k = 0; k < d.length; k += 4) if (d[k]! < 200) n++;
    return n;
  });
  expect(inked).toBeGreaterThan(1000);
  expect(errors).toEqual([]);
});

test('docs/browser.md, the live view: it reports a rate after each piece and stops when asked', async ({ page: p }) => {
  const errors: string[] = [];
  p.on('pageerror', (e) => errors.push(e.message));
  await served(p, blocks('ts')[1]!, '<!doctype html><meta charset="utf-8"><button id="stop">Stop</button> <output id="rate"></output><script type="module" src="./main.ts"></script>');
  await p.goto('/docs-page/index.html');
  await expect(p.locator('#rate')).toHaveText(/^[\d.]+ Hz per neuron$/, { timeout: 150_000 });
  await p.locator('#stop').click();
  await p.waitForTimeout(1000);
  expect(errors).toEqual([]);
});
