// Hindmarsh–Rose in Neun's generalised form on the CPU (MODELS.md §3): the reference for
// shaders/hindmarsh_rose.wgsl. State (x, y, z); parameters in Neun's order.
import type { NeuronModel } from './model';

const NEUN = { e: 3.281, mu: 0.0029, S: 4, a: 1, b: 3, c: 1, d: 5, xr: -1.6, vh: 1 };

export const hindmarshRose: NeuronModel = {
  name: 'hindmarsh_rose',
  id: 1,
  variables: ['x', 'y', 'z'],
  parameters: ['e', 'mu', 'S', 'a', 'b', 'c', 'd', 'xr', 'vh'],
  presets: { default: NEUN, neun: NEUN },
  initialState: () => ({ x: -1.5, y: -10, z: 0 }),
  defaultSpikeThreshold: () => 0,
  deriv(s, p, i, out) {
    const x = s[0]!, y = s[1]!, z = s[2]!;
    out[0] = y + p[4]! * (x * x) - p[3]! * (x * x * x) - z + p[0]! + i;
    out[1] = p[5]! - p[6]! * (x * x) - y;
    out[2] = p[1]! * (-(z * p[8]!) + p[2]! * (x - p[7]!));
  },
};
