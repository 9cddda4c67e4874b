// The released-transmitter fraction r of Neun's diffusion synapse (Destexhe 1994), declared
// once like a neuron model so every integrator applies (docs/models.md#diffusion_release).
// Its input I is 1 while the synapse releases and 0 otherwise.
import type { ModelDeclaration } from '../equations/model.js';

export const diffusionRelease: ModelDeclaration = {
  name: 'diffusion_release',
  summary: "Released fraction r of Neun's diffusion synapse",
  state: { r: { init: 0 } },
  parameters: {
    alpha: { default: 1.1, doc: 'binding rate' },
    beta: { default: 0.19, doc: 'unbinding rate' },
    T: { default: 1, doc: 'transmitter concentration while releasing' },
  },
  integrator: 'rk4',
  equations: 'dr/dt = I * alpha * T * (1 - r) - beta * r',
};
