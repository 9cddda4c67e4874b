// The differential models a circuit can use, by name.
import type { NeuronModel } from './model';
import { hodgkinHuxley } from './hodgkin_huxley';
import { hindmarshRose } from './hindmarsh_rose';
import { izhikevich } from './izhikevich';

export const NEURON_MODELS: Readonly<Record<string, NeuronModel>> = {
  hodgkin_huxley: hodgkinHuxley,
  hindmarsh_rose: hindmarshRose,
  izhikevich,
};
export type NeuronModelName = 'hodgkin_huxley' | 'hindmarsh_rose' | 'izhikevich';
