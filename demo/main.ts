// The seed network in a page, through the public API only. Settings live in the URL.
import { COMBINATION_NAMES, createSimulation, izhikevich2003, SCENARIOS, TYPE_COMBINATIONS, type Scenario, type SpikeList } from '../src/index';

const form = document.querySelector<HTMLFormElement>('#controls')!;
const statusEl = document.querySelector<HTMLDivElement>('#status')!;
const canvas = document.querySelector<HTMLCanvasElement>('#raster')!;
const field = (name: string) => form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement;

for (const s of Object.keys(SCENARIOS)) field('scenario').append(new Option(s, s));
for (const k of COMBINATION_NAMES) field('types').append(new Option(`${k}: ${TYPE_COMBINATIONS[k]!.join(', ')}`, k));

const params = new URLSearchParams(location.search);
for (const name of ['scenario', 'types', 'neurons', 'duration', 'seed', 'backend']) {
  const v = params.get(name);
  if (v !== null) field(name).value = v;
}
if (!('gpu' in navigator)) {
  field('backend').value = 'cpu';
  (field('backend') as HTMLSelectElement).options[0]!.disabled = true;
}

function say(text: string, error = false): void {
  statusEl.textContent = text;
  statusEl.className = error ? 'error' : '';
}

function draw(spikes: SpikeList, steps: number, neurons: number, excitatory: number): void {
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = 'white';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = 'black';
  const sx = canvas.width / steps, sy = canvas.height / neurons;
  for (let k = 0; k < spikes.steps.length; k++) {
    ctx.fillRect(spikes.steps[k]! * sx, canvas.height - (spikes.neurons[k]! + 1) * sy, Math.max(1.5, sx), Math.max(1.5, sy));
  }
  ctx.fillStyle = '#c00';
  ctx.fillRect(0, canvas.height - excitatory * sy, canvas.width, 1);
}

async function run(): Promise<void> {
  const settings = Object.fromEntries(['scenario', 'types', 'neurons', 'duration', 'seed', 'backend'].map((n) => [n, field(n).value]));
  history.replaceState(null, '', `?${new URLSearchParams(settings)}`);
  const desc = izhikevich2003({
    scenario: settings.scenario as Scenario,
    types: TYPE_COMBINATIONS[settings.types!],
    neurons: Number(settings.neurons),
    seed: Number(settings.seed),
  });
  const backend = settings.backend as 'gpu' | 'cpu';
  say(`setting up on the ${backend}…`);
  const sim = await createSimulation(desc, { backend });
  try {
    const duration = Number(settings.duration);
    await sim.run({ duration, onProgress: (done, total) => say(`${backend}: ${done} / ${total} steps`) });
    const s = sim.summary();
    draw(sim.spikes, s.steps, s.neurons, desc.populations[0]!.size);
    say(`${s.spikes} spikes, ${s.meanRateHz.toFixed(2)} Hz, ${(s.wallSeconds * 1000).toFixed(0)} ms wall ` +
      `(${(duration / 1000 / s.wallSeconds).toFixed(1)}× real time) on ${s.adapter}`);
    document.body.dataset.spikes = String(s.spikes);
    document.body.dataset.adapter = s.adapter;
  } finally {
    sim.destroy();
  }
}

form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  const button = document.querySelector<HTMLButtonElement>('#run')!;
  button.disabled = true;
  run().catch((e: Error) => say(`${e.name}: ${e.message}`, true)).finally(() => { button.disabled = false; });
});
if (!('gpu' in navigator)) say('This browser has no WebGPU: the CPU reference runs instead.');
