// The embedding example (demo/views/embedding.ts): a render pipeline colours a grid of neurons by
// v, read by its fragment shader straight from the simulation's state buffer while encode() puts
// the steps into the same submit. Its pixels must follow readState and change as the network runs.
import { expect, test, type Page } from '@playwright/test';

interface Snapshot { step: number; v: number[]; pixels: number[][]; side: number; cell: number; vRange: [number, number] }
interface EmbeddingHook { pause(): Promise<void>; resume(): void; readV(): Promise<number[]>; side: number; cell: number; vRange: [number, number] }

/** Paused: the step, v through the API, and the canvas colour at each neuron's cell centre. */
function snapshot(page: Page): Promise<Snapshot> {
  return page.evaluate(async () => {
    const hook = (window as unknown as { spikegpuEmbedding: EmbeddingHook }).spikegpuEmbedding;
    await hook.pause();
    const canvas = document.querySelector<HTMLCanvasElement>('#embedding-pixels, #embedding-gpu')!;
    const copy = document.createElement('canvas');
    copy.width = canvas.width; copy.height = canvas.height;
    const ctx = copy.getContext('2d')!;
    ctx.drawImage(canvas, 0, 0);
    const pixels: number[][] = [];
    for (let k = 0; k < hook.side * hook.side; k++) {
      const x = (k % hook.side) * hook.cell + hook.cell / 2, y = Math.floor(k / hook.side) * hook.cell + hook.cell / 2;
      pixels.push(Array.from(ctx.getImageData(x, y, 1, 1).data.subarray(0, 3)));
    }
    return { step: Number(document.body.dataset.embeddingStep), v: await hook.readV(), pixels, side: hook.side, cell: hook.cell, vRange: hook.vRange };
  });
}

/** The fragment shader's colour of v, as 8-bit channels. */
function colourOf(v: number, [lo, hi]: [number, number]): number[] {
  const x = Math.min(1, Math.max(0, (v - lo) / (hi - lo)));
  return [x, x * x, 1 - x].map((c) => Math.round(255 * c));
}

function expectPixelsFollowV(s: Snapshot): void {
  expect(s.v.length).toBe(s.side * s.side);
  s.v.forEach((v, k) => {
    const want = colourOf(v, s.vRange);
    // rgba8unorm quantisation (and f32 against f64 arithmetic): within 2 of 255 per channel.
    for (let c = 0; c < 3; c++) expect(Math.abs(s.pixels[k]![c]! - want[c]!), `neuron ${k} v ${v} channel ${c}`).toBeLessThanOrEqual(2);
  });
}

test('embedding view: the grid drawn from the state buffer follows readState and changes as the network runs', async ({ page }, info) => {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/?view=embedding&side=12&steps=4');
  await expect(page.locator('body')).toHaveAttribute('data-gpu', 'ready');
  await expect(page.locator('body')).toHaveAttribute('data-embedding-state', 'running', { timeout: 60_000 });
  const stepNow = async () => Number(await page.locator('body').getAttribute('data-embedding-step'));
  await expect.poll(stepNow, { timeout: 60_000 }).toBeGreaterThanOrEqual(40);
  const first = await snapshot(page);
  expect(first.step % 4).toBe(0);
  expectPixelsFollowV(first);
  // The potentials spread over the colour scale: not one flat colour.
  expect(new Set(first.pixels.map((p) => p.join())).size).toBeGreaterThan(20);
  await page.locator('#embedding-pixels, #embedding-gpu').screenshot({ path: info.outputPath('embedding-grid.png') });

  await page.evaluate(() => (window as unknown as { spikegpuEmbedding: EmbeddingHook }).spikegpuEmbedding.resume());
  await expect.poll(stepNow, { timeout: 60_000 }).toBeGreaterThanOrEqual(first.step + 40);
  const second = await snapshot(page);
  expectPixelsFollowV(second);
  const changed = second.pixels.filter((p, k) => p.join() !== first.pixels[k]!.join()).length;
  expect(changed).toBeGreaterThan(second.pixels.length / 2);
  expect(errors).toEqual([]);
});
