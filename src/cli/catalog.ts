// What `spikegpu run` can run and which models a description can name, with one line each: for
// `spikegpu list`, the help and the messages that list what is available.
import { MODELS } from '../models/registry.js';
import { EXPERIMENTS } from './experiments.js';

export const SEED_ABOUT = "the seed's Izhikevich network: 80 % excitatory, dense random weights, noise (seed 002)";

export const NETWORKS = {
  cobahh: 'COBAHH benchmark (Brette et al. 2007): Hodgkin–Huxley neurons, conductance synapses, 4000 neurons, p = 0.02',
  'sparse-izhikevich': "the seed's neurons with a fixed in-degree (1000 synapses per neuron) and an axonal delay",
  microcircuit: "cortical microcircuit (Potjans & Diesmann 2014) as NEST's reference: 8 populations of iaf_psc_exp, 77,169 neurons at --scale 1",
} as const;
export type NetworkName = keyof typeof NETWORKS;

export const FILE_ABOUT = 'any network description saved as JSON (docs/network.md); its errors are named by field';

/** Everything `spikegpu run NAME` takes, in the order the help and `list` show them. */
export const RUN_TARGETS: readonly { name: string; about: string }[] = [
  { name: 'izhikevich2003', about: SEED_ABOUT },
  ...Object.entries(NETWORKS).map(([name, about]) => ({ name, about })),
  { name: 'FILE.json', about: FILE_ABOUT },
  ...Object.entries(EXPERIMENTS).map(([name, e]) => ({ name, about: e.about })),
];

export const RUN_NAMES = RUN_TARGETS.map((t) => t.name);
export const LIST_HINT = "run 'spikegpu list' for the networks, experiments and models, one line each";

/** `spikegpu list`: the networks, the seeds' experiments and the built-in models, one line each. */
export function catalogText(): string {
  const line = (name: string, about: string) => `  ${name.padEnd(20)} ${about}`;
  const experiments = new Set(Object.keys(EXPERIMENTS));
  return [
    'networks (spikegpu run NAME --out DIR):',
    ...RUN_TARGETS.filter((t) => !experiments.has(t.name)).map((t) => line(t.name, t.about)),
    '',
    "experiments of the seeds (spikegpu run NAME --out DIR; CSV, summary.json and SVG pictures):",
    ...RUN_TARGETS.filter((t) => experiments.has(t.name)).map((t) => line(t.name, t.about)),
    '',
    'neuron models (a population\'s "model" in a description; docs/models.md):',
    ...Object.values(MODELS).map((m) => line(m.name, m.declaration.summary)),
  ].join('\n');
}
