// Hindmarsh–Rose in Neun's generalised form, declared once (docs/models.md#hindmarsh_rose).
import type { ModelDeclaration } from '../equations/model.js';

const NEUN = { e: 3.281, mu: 0.0029, S: 4, a: 1, b: 3, c: 1, d: 5, xr: -1.6, vh: 1, threshold: 0 };

export const hindmarshRose: ModelDeclaration = {
  name: 'hindmarsh_rose',
  summary: "Hindmarsh–Rose bursting neuron, Neun's generalised form (dimensionless)",
  state: { x: { init: -1.5 }, y: { init: -10 }, z: { init: 0 } },
  parameters: {
    e: { default: NEUN.e, doc: 'constant drive' },
    mu: { default: NEUN.mu, doc: 'slow time scale of z' },
    S: { default: NEUN.S },
    a: { default: NEUN.a },
    b: { default: NEUN.b },
    c: { default: NEUN.c },
    d: { default: NEUN.d },
    xr: { default: NEUN.xr },
    vh: { default: NEUN.vh },
    threshold: { default: NEUN.threshold, doc: 'a spike is an upward crossing of this level by x' },
  },
  presets: { neun: NEUN },
  integrator: 'rk4',
  equations: `
    dx/dt = y + b * x**2 - a * x**3 - z + e + I
    dy/dt = c - d * x**2 - y
    dz/dt = mu * (-vh * z + S * (x - xr))
  `,
  threshold: 'x >= threshold',
  crossing: true,
};
