// The engine's whole WGSL for a shape, apart from src/engine/gpu_code.ts's generator so that
// loading a compiled program (which carries its code) never reaches the hand-written shaders.
import { WGSL_HELPERS } from '../equations/emit.js';
import { CONNECTIVITY_DRAWS_WGSL, IS_FINITE_WGSL, PHILOX_WGSL, POISSON_WGSL } from '../gpu/shaders.js';
import { engineWgsl } from './gpu_code.js';
import type { EngineShape } from './gpu_shape.js';

/** The hand-written shaders, then the kernels generated for the shape. */
export function engineCode(shape: EngineShape): string {
  const { plan, L, R, probes, probedInput, kept } = shape;
  return [PHILOX_WGSL, CONNECTIVITY_DRAWS_WGSL, IS_FINITE_WGSL, POISSON_WGSL, WGSL_HELPERS, engineWgsl(plan, L, R, probes, probedInput, kept)].join('\n');
}
