// The Microcircuit view (demo/views/microcircuit.ts) in Debian's Chromium on SwiftShader: the GPU
// memory estimate is shown before building and follows the scale, scales the device cannot hold are
// refused before anything is built, and a small run spikes in every population, in every band of
// the raster, with a positive real-time factor.
import { expect, test, type Page } from '@playwright/test';
import { spikePixels } from './pixels';

const body = (page: Page) => page.locator('body');
const input = (page: Page, field: string) => page.locator(`[data-field="${field}"] input`);
const fieldError = (page: Page, field: string) => page.locator(`[data-field="${field}"] + .field-error`);

async function setField(page: Page, field: string, value: string): Promise<void> {
  await input(page, field).fill(value);
  await input(page, field).press('Enter');
  await input(page, field).blur();
}

test('microcircuit view: the memory estimate before building, refusals, spikes in every population and band, the real-time factor', async ({ page }, info) => {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/?view=microcircuit&scale=0.02&duration=200&seed=55');
  await expect(body(page)).toHaveAttribute('data-gpu', 'ready');
  await expect(body(page)).toHaveAttribute('data-mc-state', 'idle');

  // Before building: sizes and GPU memory of the scale, against the device's limits; they follow the scale.
  const memory = page.getByTestId('mc-memory');
  await expect(page.getByTestId('mc-size')).toHaveText('1,544 neurons, 119,548 synapses');
  await expect(memory).toContainText(/^GPU memory: about [\d.]+ MiB \(synapses [\d.]+ MiB, largest buffer [\d.]+ MiB\)$/);
  await expect(page.getByTestId('mc-limits')).toContainText(/this device: [\d.]+ [MG]iB per buffer, [\d.]+ [MG]iB in all \(maxBufferSize\)/);
  const small = Number(await memory.getAttribute('data-bytes'));
  await setField(page, 'scale', '0.05');
  await expect(page.getByTestId('mc-size')).toHaveText('3,858 neurons, 747,205 synapses');
  expect(Number(await memory.getAttribute('data-bytes'))).toBeGreaterThan(2 * small);

  // The full scale needs 3.3 GiB in one buffer: refused next to the scale, and Run builds nothing.
  await setField(page, 'scale', '1');
  await expect(page.getByTestId('mc-size')).toHaveText('77,169 neurons, 298,880,968 synapses');
  await expect(fieldError(page, 'scale')).toContainText(/^scale 1: the network needs about 3\.\d GiB \(\d+ bytes\) in one GPU buffer; this device allows [\d.]+ [MG]iB/);
  await page.locator('[data-field="run"] button').click();
  await expect(page.locator('.status')).toHaveText('fix the fields marked in red');
  await expect(body(page)).toHaveAttribute('data-mc-state', 'idle');
  // Procedural rows store no synapse: scale 1 then fits one binding (the estimate says so, nothing is built).
  await page.locator('[data-field=storage] select').selectOption({ label: 'procedural (drawn again at each spike)' });
  await expect(memory).toContainText(/^GPU memory: about 1\d\d\.\d MiB \(synapses 0\.0 MiB, largest buffer [\d.]+ MiB\)$/);
  await page.locator('[data-field=storage] select').selectOption({ label: 'stored synapses' });
  // A smaller device memory (WebGPU does not report it): 0.1 needs about 50 MiB, over 16.
  await setField(page, 'scale', '0.1');
  await setField(page, 'memory', '16');
  await expect(fieldError(page, 'scale')).toContainText(/^scale 0\.1: this network of 7717 neurons needs about 5\d\.\d MiB on the GPU \(.*\); memoryLimit allows 16\.0 MiB/);
  await setField(page, 'memory', '0');
  await setField(page, 'scale', '0.05');
  await expect(fieldError(page, 'scale')).toHaveCount(0);
  await expect(page.locator('.status')).toHaveText('ready: press Run');
  await expect(page).toHaveURL(/scale=0\.05.*memory=0/);

  // The run at 0.05, the smallest scale at which L2/3E (the quietest) spikes within 100 ms; 200 ms so
  // its band (every 10th neuron) holds some too. Every population spikes, in the table and its band.
  await page.locator('[data-field="run"] button').click();
  await expect(body(page)).toHaveAttribute('data-mc-state', 'done', { timeout: 150_000 });
  expect(Number(await body(page).getAttribute('data-mc-steps'))).toBe(2000);  // dt = 0.1 ms
  await expect(page.getByTestId('mc-build')).toContainText(/^built in [\d.]+ s: 3,858 neurons, 747,205 synapses on /);
  const spikes = Number(await body(page).getAttribute('data-mc-spikes'));
  await expect(page.getByTestId('mc-progress')).toHaveText(new RegExp(`^200 of 200 ms simulated in [\\d.]+ s, ${spikes.toLocaleString('en')} spikes$`));
  const rtf = page.getByTestId('mc-rtf');
  await expect(rtf).toContainText(/^real-time factor [\d.e+]+ \(wall seconds per simulated second\)$/);
  expect(Number(await rtf.getAttribute('data-value'))).toBeGreaterThan(0);
  const bands = JSON.parse((await page.locator('#mc-raster').getAttribute('data-bands'))!) as [string, number, number][];
  expect(bands.map(([name]) => name)).toEqual(['L23E', 'L23I', 'L4E', 'L4I', 'L5E', 'L5I', 'L6E', 'L6I']);
  const box = (await page.locator('#mc-raster').boundingBox())!, sy = (box.height - 2) / 480;
  let sum = 0;
  for (const [name, top, rows] of bands) {
    const row = page.locator(`[data-testid=mc-rates] tr[data-population="${name}"]`);
    const count = Number(await row.locator('[data-col=spikes]').textContent());
    expect(count, `${name} spikes`).toBeGreaterThan(0);
    expect(Number(await row.locator('[data-col=mean]').textContent()), `${name} mean rate`).toBeGreaterThan(0);
    sum += count;
    // The band's own rows (inside its rules), from a screenshot of the page.
    const png = await page.screenshot({ clip: { x: box.x + 1, y: box.y + 1 + (top + 1) * sy, width: box.width - 2, height: (rows - 1) * sy } });
    expect(await spikePixels(page, { png }), `${name} band pixels`).toBeGreaterThan(0);
  }
  expect(sum).toBe(spikes);
  await page.screenshot({ path: info.outputPath('microcircuit-gpu.png'), fullPage: true });
  expect(errors).toEqual([]);
});

test('microcircuit view on the CPU reference: a small scale only; Stop, a run, and leaving the view mid-run', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/?view=microcircuit&backend=cpu&scale=0.2&duration=5000');
  await expect(fieldError(page, 'scale')).toHaveText('scale must be in (0, 0.1], got 0.2 (the CPU reference in a page)');
  await expect(page.locator('[data-field="memory"]')).toBeHidden();
  await setField(page, 'scale', '0.02');
  await expect(fieldError(page, 'scale')).toHaveCount(0);
  const run = page.locator('[data-field="run"] button');
  await run.click();
  await expect.poll(async () => Number(await body(page).getAttribute('data-mc-steps') ?? 0), { timeout: 60_000 }).toBeGreaterThan(0);
  await page.locator('[data-field="stop"] button').click();
  await expect(body(page)).toHaveAttribute('data-mc-state', 'stopped', { timeout: 60_000 });
  expect(Number(await body(page).getAttribute('data-mc-steps'))).toBeLessThan(50_000);

  await setField(page, 'duration', '50');
  await run.click();
  await expect(body(page)).toHaveAttribute('data-mc-state', 'done', { timeout: 60_000 });
  await expect(page.getByTestId('mc-build')).toContainText('1,544 neurons, 119,548 synapses on CPU reference (f64)');
  expect(Number(await body(page).getAttribute('data-mc-spikes'))).toBeGreaterThan(0);
  expect(Number(await page.getByTestId('mc-rtf').getAttribute('data-value'))).toBeGreaterThan(0);

  // Leaving mid-run stops it and frees the simulation: no errors, and the next view works.
  await setField(page, 'duration', '5000');
  await run.click();
  await expect(body(page)).toHaveAttribute('data-mc-state', 'running', { timeout: 60_000 });
  await page.locator('nav a[data-view=network]').click();
  await expect(body(page)).toHaveAttribute('data-mc-state', 'stopped', { timeout: 60_000 });
  await expect(body(page)).toHaveAttribute('data-network-state', 'idle');
  expect(errors).toEqual([]);
});
