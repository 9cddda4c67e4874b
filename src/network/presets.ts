// Presets are functions that return descriptions: the seed's Izhikevich network (seed 002).
import type { IzhikevichType, NetworkDescription } from './description';
import { SCENARIOS, type Scenario, TYPE_COMBINATIONS } from '../spec/presets/seed_network';

export { SCENARIOS, type Scenario, TYPE_COMBINATIONS };
/** The combinations in the seed's order (object keys would put '1'..'4' before 'original'). */
export const COMBINATION_NAMES = ['original', '1', '2', '3', '4'] as const;

export interface Izhikevich2003Options {
  /** Total neurons; 80 % excitatory as in the seed (1000 → 800 + 200). */
  neurons?: number;
  scenario?: Scenario;
  /** (excitatory, inhibitory) base types; default RS, LTS. */
  types?: readonly [IzhikevichType, IzhikevichType];
  seed?: number;
  /** Noise σ of the excitatory / inhibitory neurons (5 and 2 in the seed). */
  noise?: [number, number];
  /** Neurons whose v, u and I are recorded. */
  traces?: number[];
  /** Time step in ms (1 in the seed). */
  dt?: number;
  /** The seed's half-step scheme (default) or forward Euler. */
  integrator?: NetworkDescription['integrator'];
}

/** The seed network: Ne excitatory + Ni inhibitory Izhikevich neurons, dense random S, noise. */
export function izhikevich2003(options: Izhikevich2003Options = {}): NetworkDescription {
  const n = options.neurons ?? 1000;
  const ne = Math.round(0.8 * n);
  const [te, ti] = options.types ?? ['RS', 'LTS'];
  const scenario = options.scenario ?? 'original';
  const w = SCENARIOS[scenario];
  if (!w) throw new Error(`scenario: unknown scenario ${String(scenario)}; expected one of ${Object.keys(SCENARIOS).join(', ')}`);
  const [sigE, sigI] = options.noise ?? [5, 2];
  return {
    name: `izhikevich2003 ${scenario} ${te}/${ti}`,
    dt: options.dt ?? 1,
    integrator: options.integrator ?? 'izhikevich2003',
    seed: options.seed ?? 0,
    populations: [
      { name: 'excitatory', size: ne, model: 'izhikevich', type: te, heterogeneity: 'excitatory' },
      { name: 'inhibitory', size: n - ne, model: 'izhikevich', type: ti, heterogeneity: 'inhibitory' },
    ],
    connectivity: { type: 'uniform-random', scale: { excitatory: w.wE, inhibitory: -w.wI } },
    inputs: [
      { type: 'noise', target: 'excitatory', sigma: sigE },
      { type: 'noise', target: 'inhibitory', sigma: sigI },
    ],
    record: { spikes: true, traces: options.traces ?? [] },
  };
}
