// GPU vs CPU: the same seed network on both backends in this page, over network sizes: the two
// wall times of the run (set-up excluded), their ratio, and a chart of time against size.
import { createSimulation, type Scenario, SCENARIOS, seedNetwork } from 'spikegpu';
import type { GpuSession } from '../session';
import { StatusLine, el, fieldError, intError, makeGui, readUrl, tag, type Controller, uPlot, writeUrl, PALETTE } from '../ui';
import type { View } from './view';

export function parseSizes(text: string): number[] {
  return text.split(',').map((x) => x.trim()).filter(Boolean).map(Number);
}

export function compareView(root: HTMLElement, session: GpuSession): View {
  const s = readUrl({ sizes: '100,250,500,1000,2000', duration: 200, scenario: 'original', seed: 0 });
  const controls = el('div', { class: 'controls' });
  const status = new StatusLine();
  const table = el('table', { class: 'results', 'data-testid': 'compare-table' });
  const chartBox = el('div', { class: 'chart', id: 'compare-chart' });
  root.append(el('div', { class: 'layout' }, controls, el('div', { class: 'output' }, status.node, table, chartBox)));

  const gui = makeGui(controls, 'GPU vs CPU');
  const ctl: Record<string, Controller> = {
    sizes: tag(gui.add(s, 'sizes').name('network sizes'), 'sizes'),
    duration: tag(gui.add(s, 'duration').name('duration (ms)'), 'duration'),
    scenario: tag(gui.add(s, 'scenario', Object.keys(SCENARIOS)), 'scenario'),
    seed: tag(gui.add(s, 'seed'), 'seed'),
  };
  let stop = false;
  const actions = { run: () => void run(), stop: () => { stop = true; } };
  tag(gui.add(actions, 'run').name('Run comparison'), 'run');
  tag(gui.add(actions, 'stop').name('Stop'), 'stop');
  for (const c of Object.values(ctl)) c.onFinishChange(() => writeUrl('compare', s));
  let chart: uPlot | null = null;
  let running = false;

  function header(): void {
    table.replaceChildren(el('tr', {}, ...['neurons', 'GPU wall (ms)', 'CPU wall (ms)', 'CPU / GPU', 'GPU spikes', 'CPU spikes'].map((h) => el('th', {}, h))));
  }

  async function run(): Promise<void> {
    if (running) return;
    writeUrl('compare', s);
    const sizes = parseSizes(s.sizes);
    const maxN = session.device ? Math.floor(Math.sqrt(session.maxBindingBytes / 4)) : 10000;
    const bad = sizes.map((n) => intError('each size', n, 100, Math.min(maxN, 10000))).find((m) => m !== null) ?? (sizes.length ? null : 'give at least one size');
    fieldError(ctl.sizes!, bad ?? null);
    const durationError = intError('duration (ms)', s.duration, 1, 100_000);
    fieldError(ctl.duration!, durationError);
    if (bad || durationError) { status.say('fix the fields marked in red', true); return; }
    running = true;
    stop = false;
    header();
    document.body.dataset.compareState = 'running';
    const gpuMs: (number | null)[] = [], cpuMs: (number | null)[] = [];
    chart?.destroy();
    chart = new uPlot({
      title: 'wall time of the run against network size', width: Math.min(900, chartBox.clientWidth || 900), height: 260,
      scales: { x: { time: false, distr: 3 }, y: { distr: 3 } },
      axes: [{ label: 'neurons' }, { label: 'wall time (ms)' }],
      series: [{ label: 'neurons' }, { label: 'GPU', stroke: PALETTE[0], width: 2 }, { label: 'CPU reference (f64)', stroke: PALETTE[1], width: 2 }],
    }, [[], [], []], chartBox);
    try {
      for (const [k, n] of sizes.entries()) {
        if (stop) break;
        const desc = seedNetwork({ neurons: n, scenario: s.scenario as Scenario, seed: s.seed });
        const time = async (backend: 'gpu' | 'cpu') => {
          status.say(`${n} neurons on the ${backend} (${k + 1} of ${sizes.length})…`);
          const sim = await createSimulation(desc, backend === 'gpu' ? { backend, device: session.device! } : { backend });
          try {
            const run = await sim.run({ duration: s.duration });
            return { ms: run.wallSeconds * 1000, spikes: run.spikes };
          } finally {
            sim.destroy();
          }
        };
        const gpu = session.device ? await time('gpu') : null;
        const cpu = await time('cpu');
        gpuMs.push(gpu?.ms ?? null);
        cpuMs.push(cpu.ms);
        table.append(el('tr', { 'data-neurons': String(n) },
          el('td', {}, String(n)), el('td', { 'data-col': 'gpu' }, gpu ? gpu.ms.toFixed(1) : 'no WebGPU'), el('td', { 'data-col': 'cpu' }, cpu.ms.toFixed(1)),
          el('td', { 'data-col': 'ratio' }, gpu ? (cpu.ms / gpu.ms).toFixed(2) : '—'),
          el('td', {}, gpu ? String(gpu.spikes) : '—'), el('td', {}, String(cpu.spikes))));
        chart.setData([sizes.slice(0, k + 1), gpuMs, cpuMs] as uPlot.AlignedData);
      }
      document.body.dataset.compareState = 'done';
      status.say(`done: ${s.duration} ms of the seed network per size; CPU / GPU > 1 means the GPU was faster (on ${session.device ? session.adapter : 'no GPU'})`);
    } catch (e) {
      document.body.dataset.compareState = 'error';
      status.say(`${(e as Error).name}: ${(e as Error).message}`, true);
    } finally {
      running = false;
    }
  }

  header();
  writeUrl('compare', s);
  status.say('press Run comparison');
  return { destroy() { stop = true; gui.destroy(); chart?.destroy(); } };
}
