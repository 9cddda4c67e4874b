// Izhikevich (2003), declared once (docs/models.md#izhikevich): the seed's scheme (two dt/2
// half-steps of v with the same u and I, then u with the new v) and the generic equations.
import type { ModelDeclaration } from '../equations/model.js';

/** The named parameter sets of Izhikevich (2003), with their names. */
export const IZHIKEVICH_TYPES = {
  RS: { a: 0.02, b: 0.2, c: -65, d: 8, name: 'regular spiking' },
  IB: { a: 0.02, b: 0.2, c: -55, d: 4, name: 'intrinsically bursting' },
  CH: { a: 0.02, b: 0.2, c: -51, d: 2, name: 'chattering' },
  FS: { a: 0.1, b: 0.2, c: -65, d: 2, name: 'fast spiking' },
  TC: { a: 0.02, b: 0.25, c: -65, d: 0.05, name: 'thalamo-cortical' },
  LTS: { a: 0.02, b: 0.25, c: -65, d: 2, name: 'low-threshold spiking' },
  RZ: { a: 0.1, b: 0.26, c: -65, d: 2, name: 'resonator' },
} as const;
export type IzhikevichType = keyof typeof IZHIKEVICH_TYPES;

// dv/dt written the way the seed's program sums it; the GPU and CPU then round alike.
const DV = '0.04 * (v * v) + 5 * v + 140 - u + I';

export const izhikevich: ModelDeclaration = {
  name: 'izhikevich',
  summary: 'Izhikevich (2003) simple model: quadratic v, linear recovery u, reset at 30 mV',
  state: { v: { unit: 'mV', init: -65 }, u: { init: 'b * v' } },
  parameters: {
    a: { default: 0.02, unit: '1/ms', doc: 'time scale of u' },
    b: { default: 0.2, doc: 'sensitivity of u to v' },
    c: { default: -65, unit: 'mV', doc: 'v after a spike' },
    d: { default: 8, doc: 'increment of u after a spike' },
    threshold: { default: 30, unit: 'mV', doc: 'v at or above it spikes and resets' },
  },
  presets: Object.fromEntries(Object.entries(IZHIKEVICH_TYPES).map(([k, t]) => [k, { a: t.a, b: t.b, c: t.c, d: t.d }])),
  integrator: 'izhikevich2003',
  equations: `
    dv/dt = ${DV}
    du/dt = a * (b * v - u)
  `,
  schemes: {
    izhikevich2003: `
      v = v + (0.5 * dt) * (${DV})
      v = v + (0.5 * dt) * (${DV})
      u = u + dt * (a * (b * v - u))
    `,
  },
  threshold: 'v >= threshold',
  reset: `
    v = c
    u = u + d
  `,
};
