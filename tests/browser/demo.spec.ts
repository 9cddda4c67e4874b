// The page in Debian's Chromium (WebGPU on SwiftShader, headless): every view loads without
// console errors and produces its pictures, controls change results, bad JSON is refused with
// field errors, the CPU fallback works without WebGPU, and a lost device can be restarted.
// Screenshots of each view are written as test artifacts (test-results/browser/…).
import { expect, test, type Page } from '@playwright/test';
import { spikePixels } from './pixels';

function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

const body = (page: Page) => page.locator('body');
const button = (page: Page, field: string) => page.locator(`[data-field="${field}"] button`);
const input = (page: Page, field: string) => page.locator(`[data-field="${field}"] input`);

async function setField(page: Page, field: string, value: string): Promise<void> {
  await input(page, field).fill(value);
  await input(page, field).press('Enter');
  await input(page, field).blur();
}

/** Spike pixels in the visible raster canvas. */
const rasterPixels = (page: Page) => spikePixels(page, { canvas: 'canvas.raster:not([hidden])' });

async function runNetwork(page: Page): Promise<{ spikes: number; steps: number }> {
  await button(page, 'start').click();
  await expect(body(page)).toHaveAttribute('data-network-state', 'done', { timeout: 150_000 });
  return { spikes: Number(await body(page).getAttribute('data-spikes')), steps: Number(await body(page).getAttribute('data-steps')) };
}

test('network view: the GPU draws the raster from the spike buffers; rate plot, readout; controls change the result', async ({ page }, info) => {
  const errors = collectErrors(page);
  await page.goto('/?view=network&neurons=400&duration=300&seed=2&window=300');
  await expect(body(page)).toHaveAttribute('data-gpu', 'ready');
  await expect(page.locator('[data-field=neurons] input')).toHaveValue('400');
  const gpu = await runNetwork(page);
  expect(gpu.steps).toBe(300);
  expect(gpu.spikes).toBeGreaterThan(200);
  expect(await body(page).getAttribute('data-adapter')).toMatch(/swiftshader|browser/i);
  // SwiftShader cannot present a WebGPU canvas headless: the GPU's picture comes through a pixel copy.
  await expect(body(page)).toHaveAttribute('data-raster-path', 'gpu-pixels');
  expect(await rasterPixels(page)).toBeGreaterThan(200);
  await expect(page.getByTestId('rt')).toContainText(/real-time factor \d/);
  await expect(page.getByTestId('speed')).toContainText(/\d+ simulated ms per wall second/);
  // The rate plot has its points (uPlot draws the series path into its canvas).
  expect(await page.evaluate(() => document.querySelectorAll('#rate .u-legend .u-series').length)).toBe(2);
  await page.screenshot({ path: info.outputPath('network-gpu.png'), fullPage: true });

  // Controls change the result, and the URL follows them.
  await setField(page, 'seed', '3');
  await expect(page).toHaveURL(/seed=3/);
  const other = await runNetwork(page);
  expect(other.spikes).not.toBe(gpu.spikes);
  await page.locator('[data-field=scenario] select').selectOption('S4');
  await expect(page).toHaveURL(/scenario=S4/);
  const s4 = await runNetwork(page);
  expect(s4.spikes).not.toBe(other.spikes);

  // Pause, step and reset.
  await setField(page, 'duration', '100000');
  await button(page, 'start').click();
  await expect.poll(async () => Number(await body(page).getAttribute('data-steps') ?? 0), { timeout: 60_000 }).toBeGreaterThan(20);
  await button(page, 'pause').click();
  await expect(body(page)).toHaveAttribute('data-network-state', 'paused', { timeout: 60_000 });
  const paused = Number(await body(page).getAttribute('data-steps'));
  await button(page, 'step').click();
  await expect(body(page)).toHaveAttribute('data-steps', String(paused + 1), { timeout: 60_000 });
  await button(page, 'reset').click();
  await expect(body(page)).toHaveAttribute('data-network-state', 'idle');
  await expect(body(page)).not.toHaveAttribute('data-steps', /./);

  // The CPU reference in the page gives the same network (f64 vs f32: spike counts within 5 %).
  await page.goto('/?view=network&neurons=400&duration=300&seed=2&window=300&backend=cpu');
  const cpu = await runNetwork(page);
  await expect(body(page)).toHaveAttribute('data-raster-path', 'cpu');
  expect(Math.abs(cpu.spikes - gpu.spikes) / cpu.spikes).toBeLessThan(0.05);
  expect(await rasterPixels(page)).toBeGreaterThan(200);
  expect(errors).toEqual([]);
});

test('network view: a field out of range and a bad JSON file show their errors next to the field; JSON saves and loads', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('/?view=network&neurons=50');
  await expect(page.locator('[data-field=neurons] + .field-error')).toContainText('neurons must be an integer in [100,');
  await setField(page, 'neurons', '300');
  await expect(page.locator('[data-field=neurons] + .field-error')).toHaveCount(0);

  const load = page.getByTestId('load-json');
  await load.setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"dt": 1, "populations": [') });
  await expect(page.getByTestId('json-errors')).toContainText('broken.json: not valid JSON');
  // The one schema's words: dt 'must be > 0'; a top-level integrator is no field of it (integrators
  // are per population), so it is refused by its path; the population's own integrator below.
  const bad = { dt: -1, integrator: 'rk9', seed: 0, populations: [{ name: 'e', size: 0, model: 'izhikevich' }] };
  await load.setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
  const list = page.getByTestId('json-errors');
  await expect(list).toContainText('dt: must be > 0');
  await expect(list).toContainText('integrator: unknown field');
  await expect(list).toContainText('populations[0].size');
  await expect(page.locator('.status')).toContainText('bad.json was not loaded');
  const badIntegrator = { dt: 1, seed: 0, populations: [{ name: 'e', size: 10, model: 'izhikevich', integrator: 'rk9' }] };
  await load.setInputFiles({ name: 'bad2.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(badIntegrator)) });
  await expect(list).toContainText('populations[0].integrator: izhikevich integrates with euler, rk4, rk6, exponential_euler, izhikevich2003');
  await expect(page.locator('.status')).toContainText('bad2.json was not loaded');

  // Save the current network, load it back, and run it.
  const [download] = await Promise.all([page.waitForEvent('download'), button(page, 'save').click()]);
  const saved = JSON.parse(await (await download.createReadStream()).toArray().then((c) => Buffer.concat(c).toString('utf8')));
  expect(saved.populations.map((p: { size: number }) => p.size)).toEqual([240, 60]);
  saved.name = 'my network';
  saved.populations[0].size = 200;
  await load.setInputFiles({ name: 'mine.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(saved)) });
  await expect(page.getByTestId('json-errors')).toBeEmpty();
  await expect(page.locator('.status')).toContainText('loaded mine.json: my network, 260 neurons');
  await setField(page, 'duration', '50');
  const run = await runNetwork(page);
  expect(run.steps).toBe(50);
  await expect(page.getByTestId('readout')).toContainText('260 neurons');
  expect(errors).toEqual([]);
});

test('neuron lab: the double impulse, every state variable, phase planes and the limit cycle', async ({ page }, info) => {
  const errors = collectErrors(page);
  await page.goto('/?view=neuron');
  await expect(body(page)).toHaveAttribute('data-lab-state', 'done', { timeout: 120_000 });
  // Seed 001: two spikes, one per pulse; V–n and V–m planes; h, m, n traced.
  await expect(body(page)).toHaveAttribute('data-lab-spikes', '2');
  await expect(page.locator('[data-plane=v-n] canvas')).toHaveCount(1);
  await expect(page.locator('[data-plane=v-m] canvas')).toHaveCount(1);
  await expect(page.locator('.u-legend').first()).toContainText('I');
  await expect(page.locator('.u-title', { hasText: 'h, m, n' })).toHaveCount(1);
  await page.screenshot({ path: info.outputPath('neuron-lab-hh.png'), fullPage: true });

  // Remove the second pulse: one spike.
  await page.locator('[data-stimulus="1"] [data-field=remove] button').click();
  await expect(body(page)).toHaveAttribute('data-lab-spikes', '1', { timeout: 120_000 });
  await expect(page).toHaveURL(/stim=pulse%3A150%3A0%3A1(&|$)/);

  // Izhikevich RS under a step current fires periodically: a limit cycle in the v–u plane.
  await page.locator('[data-field=model] select').selectOption('izhikevich');
  await expect(body(page)).toHaveAttribute('data-lab-cycle', /^\d/, { timeout: 120_000 });
  await expect(page.locator('[data-plane=v-u] canvas')).toHaveCount(1);
  const rs = Number(await body(page).getAttribute('data-lab-cycle'));
  await page.locator('[data-field=preset] select').selectOption('FS');
  await expect(body(page)).not.toHaveAttribute('data-lab-cycle', String(rs.toFixed(4)), { timeout: 120_000 });
  await expect(body(page)).toHaveAttribute('data-lab-state', 'done', { timeout: 120_000 });
  expect(Number(await body(page).getAttribute('data-lab-cycle'))).toBeLessThan(rs); // fast spiking is faster
  await page.screenshot({ path: info.outputPath('neuron-lab-izhikevich.png'), fullPage: true });
  expect(errors).toEqual([]);
});

test('coupling lab: the coupled pair and the synchrony scan as one batch', async ({ page }, info) => {
  const errors = collectErrors(page);
  await page.goto('/?view=coupling&duration=40&dt=0.01&count=6&gmin=0.0005&gmax=0.003');
  await expect(body(page)).toHaveAttribute('data-coupling-state', 'done', { timeout: 120_000 });
  const pair = await body(page).getAttribute('data-coupling-spikes');
  expect(pair).toMatch(/^[1-9]\d*,\d+$/);
  await expect(page.getByTestId('sync')).toContainText('h1–h2: correlation');
  await page.locator('[data-field=synapse] select').selectOption('diffusion');
  await expect(body(page)).toHaveAttribute('data-coupling-state', 'done', { timeout: 120_000 });
  await button(page, 'scan').click();
  await expect(body(page)).toHaveAttribute('data-coupling-state', 'scanned', { timeout: 150_000 });
  const corr = (await body(page).getAttribute('data-scan-correlations'))!.split(',');
  expect(corr).toHaveLength(6);
  expect(corr.filter((c) => c !== 'x').length).toBeGreaterThan(3);
  await expect(page.getByTestId('scan-summary')).toContainText('6 copies');
  await page.screenshot({ path: info.outputPath('coupling-lab.png'), fullPage: true });
  expect(errors).toEqual([]);
});

test('GPU vs CPU: both backends in the page, times, ratio and chart over sizes', async ({ page }, info) => {
  const errors = collectErrors(page);
  await page.goto('/?view=compare&sizes=100,200&duration=50');
  await button(page, 'run').click();
  await expect(body(page)).toHaveAttribute('data-compare-state', 'done', { timeout: 150_000 });
  const rows = page.locator('[data-testid=compare-table] tr[data-neurons]');
  await expect(rows).toHaveCount(2);
  for (const n of ['100', '200']) {
    const ratio = Number(await page.locator(`tr[data-neurons="${n}"] [data-col=ratio]`).textContent());
    expect(ratio).toBeGreaterThan(0);
  }
  await expect(page.locator('#compare-chart canvas')).toHaveCount(1);
  await page.screenshot({ path: info.outputPath('compare.png'), fullPage: true });
  expect(errors).toEqual([]);
});

test('sparse networks: COBAHH built and run on the GPU, raster, GPU-counted rates and traced v drawn as it runs; fields checked; the CPU reference', async ({ page }, info) => {
  const errors = collectErrors(page);
  await page.goto('/?view=sparse&network=cobahh&neurons=400&duration=60&seed=2');
  await expect(body(page)).toHaveAttribute('data-gpu', 'ready');
  // Before a run: the memory estimate, with what procedural synapses would need.
  await expect(page.getByTestId('sparse-estimate')).toContainText(/GPU memory: about [\d.]+ MiB \(synapses [\d.]+ MiB\); with procedural synapses about [\d.]+ MiB/);
  await button(page, 'run').click();
  await expect(body(page)).toHaveAttribute('data-sparse-state', 'done', { timeout: 150_000 });
  expect(Number(await body(page).getAttribute('data-sparse-steps'))).toBe(600); // dt = 0.1 ms
  const spikes = Number(await body(page).getAttribute('data-sparse-spikes'));
  expect(spikes).toBeGreaterThan(100);
  await expect(page.getByTestId('sparse-size')).toContainText(/400 neurons, [\d,]+ synapses/);
  await expect(page.getByTestId('sparse-progress')).toContainText(new RegExp(`60 of 60 ms, ${spikes} spikes: exc \\d+\\.\\d Hz, inh`));
  await expect(page.getByTestId('sparse-speed')).toContainText(/simulated ms per wall second .*(dispatches per step|one workgroup)/);
  expect(await spikePixels(page, { canvas: '#sparse-raster' })).toBeGreaterThan(50);
  expect(await page.evaluate(() => document.querySelectorAll('#sparse-rate .u-legend .u-series').length)).toBe(3);
  // The traced neurons (1, 10, 100 by default, as Brian2's example): v after every step, drawn as it runs.
  expect(await page.evaluate(() => [...document.querySelectorAll('#sparse-trace .u-legend .u-series .u-label')].map((e) => e.textContent?.trim())))
    .toEqual(['t (ms)', 'neuron 1', 'neuron 10', 'neuron 100']);
  expect(Number(await body(page).getAttribute('data-sparse-trace-samples'))).toBe(600);
  await page.screenshot({ path: info.outputPath('sparse-gpu.png'), fullPage: true });
  await setField(page, 'traced', '1,400');
  await expect(page.locator('[data-field=traced] + .field-error')).toContainText('traced neurons must be indices in [0, 399] separated by commas, got 1,400');
  await setField(page, 'traced', '1,10,100');
  await expect(page.locator('[data-field=traced] + .field-error')).toHaveCount(0);

  // Procedural connectivity (rows drawn again at each spike): the same spikes.
  await page.locator('[data-field=connectivity] select').selectOption({ label: 'procedural (drawn at each spike)' });
  await expect(page).toHaveURL(/connectivity=procedural/);
  await button(page, 'run').click();
  await expect(body(page)).toHaveAttribute('data-sparse-state', 'done', { timeout: 150_000 });
  expect(Number(await body(page).getAttribute('data-sparse-spikes'))).toBe(spikes);
  await expect(page.getByTestId('sparse-speed')).toContainText('procedural synapses');

  // The Izhikevich network: an in-degree above N is refused next to its field, then a CPU run.
  await page.locator('[data-field=network] select').selectOption({ label: 'Izhikevich, fixed in-degree' });
  await setField(page, 'neurons', '300');
  await setField(page, 'inDegree', '301');
  await expect(page.locator('[data-field=inDegree] + .field-error')).toContainText('in-degree must be an integer in [0, 300], got 301');
  await setField(page, 'inDegree', '30');
  await expect(page.locator('[data-field=inDegree] + .field-error')).toHaveCount(0);
  await page.locator('[data-field=backend] select').selectOption({ label: 'CPU reference' });
  await setField(page, 'duration', '100');
  await expect(page).toHaveURL(/network=sparse-izhikevich.*backend=cpu/);
  await button(page, 'run').click();
  await expect(body(page)).toHaveAttribute('data-sparse-state', 'done', { timeout: 150_000 });
  await expect(page.getByTestId('sparse-speed')).toContainText('CPU');
  expect(Number(await body(page).getAttribute('data-sparse-spikes'))).toBeGreaterThan(0);
  expect(errors).toEqual([]);
});

test('without WebGPU the page says so and every view runs on the CPU reference', async ({ browser }, info) => {
  const context = await browser.newContext();
  await context.addInitScript(() => { delete (Navigator.prototype as { gpu?: unknown }).gpu; });
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto('/?view=network&neurons=200&duration=100&window=100');
  await expect(page.getByTestId('banner-text')).toContainText('This browser has no WebGPU');
  await expect(page.locator('[data-field=backend] select')).toHaveValue('CPU reference');
  const run = await runNetwork(page);
  expect(run.spikes).toBeGreaterThan(0);
  await expect(page.getByTestId('readout')).toContainText('CPU');
  expect(await rasterPixels(page)).toBeGreaterThan(50);
  await page.screenshot({ path: info.outputPath('network-cpu-fallback.png'), fullPage: true });
  await page.locator('nav a[data-view=neuron]').click();
  await expect(body(page)).toHaveAttribute('data-lab-spikes', '2', { timeout: 120_000 });
  expect(errors).toEqual([]);
  await context.close();
});

test('a lost GPU device is reported and the page restarts on a new one', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('/?view=network&neurons=200&duration=60&window=60');
  await expect(body(page)).toHaveAttribute('data-gpu', 'ready');
  await page.evaluate(() => (window as unknown as { spikegpuDemo: { session: { device: GPUDevice } } }).spikegpuDemo.session.device.destroy());
  await expect(page.getByTestId('banner-text')).toContainText('The GPU device was lost');
  await page.locator('#restart-gpu').click();
  await expect(page.locator('#banner')).toBeHidden();
  await expect(body(page)).toHaveAttribute('data-gpu', 'ready');
  const run = await runNetwork(page);
  expect(run.spikes).toBeGreaterThan(0);
  expect(await rasterPixels(page)).toBeGreaterThan(20);
  expect(errors).toEqual([]);
});
