// The spikegpu page: seven views over one shared GPU device (or the CPU reference without one).
// Everything goes through the library's public API, as in any outside app.
import { GpuSession } from './session';
import { el } from './ui';
import { compareView } from './views/compare';
import { couplingLabView } from './views/coupling-lab';
import { embeddingView } from './views/embedding';
import { microcircuitView } from './views/microcircuit';
import { networkView } from './views/network';
import { neuronLabView } from './views/neuron-lab';
import { sparseView } from './views/sparse';
import type { View, ViewFactory } from './views/view';

const VIEWS: Record<string, { title: string; make: ViewFactory }> = {
  network: { title: 'Network', make: networkView },
  neuron: { title: 'Neuron lab', make: neuronLabView },
  coupling: { title: 'Coupling lab', make: couplingLabView },
  sparse: { title: 'Sparse networks', make: sparseView },
  microcircuit: { title: 'Microcircuit', make: microcircuitView },
  compare: { title: 'GPU vs CPU', make: compareView },
  embedding: { title: 'Embedding', make: embeddingView },
};

const session = new GpuSession();
const nav = document.querySelector<HTMLElement>('#views')!;
const banner = document.querySelector<HTMLElement>('#banner')!;
const main = document.querySelector<HTMLElement>('#view')!;
let current: { name: string; view: View } | null = null;

function showBanner(): void {
  document.body.dataset.gpu = session.device ? 'ready' : session.lost ? 'lost' : 'none';
  banner.replaceChildren();
  banner.hidden = !session.problem;
  if (!session.problem) return;
  banner.append(el('span', { 'data-testid': 'banner-text' }, session.problem));
  if (session.lost) {
    const button = el('button', { type: 'button', id: 'restart-gpu' }, 'Restart the GPU');
    button.addEventListener('click', async () => {
      button.disabled = true;
      await session.restart();
      showBanner();
      mount(current?.name ?? 'network', false);
    });
    banner.append(button);
  }
}

function mount(name: string, push = true): void {
  const entry = VIEWS[name] ?? VIEWS.network!;
  const key = VIEWS[name] ? name : 'network';
  current?.view.destroy();
  main.replaceChildren();
  if (push) history.pushState(null, '', `?view=${key}`);
  for (const a of nav.querySelectorAll('a')) a.classList.toggle('active', a.dataset.view === key);
  document.title = `spikegpu — ${entry.title}`;
  current = { name: key, view: entry.make(main, session) };
  document.body.dataset.view = key;
}

for (const [name, v] of Object.entries(VIEWS)) {
  const a = el('a', { href: `?view=${name}`, 'data-view': name }, v.title);
  a.addEventListener('click', (ev) => { ev.preventDefault(); mount(name); });
  nav.append(a);
}
window.addEventListener('popstate', () => mount(new URLSearchParams(location.search).get('view') ?? 'network', false));
session.on(() => showBanner());

await session.open();
showBanner();
document.body.dataset.adapter = session.adapter;
mount(new URLSearchParams(location.search).get('view') ?? 'network', false);
// For the console (and the browser tests): the page's GPU session.
(window as unknown as { spikegpuDemo: unknown }).spikegpuDemo = { session };
