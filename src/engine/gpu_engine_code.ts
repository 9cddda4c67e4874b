// The engine's whole WGSL for a shape, apart from src/engine/gpu_code.ts's generator so that
// loading a compiled program (which carries its code) never reaches the hand-written shaders.
import { WGSL_HELPERS } from '../equations/emit.js';
import { CONNECTIVITY_DRAWS_WGSL, IS_FINITE_WGSL, PHILOX_WGSL, POISSON_WGSL } from '../gpu/shaders.js';
import { engineWgsl } from './gpu_code.js';
import { placeStores } from './gpu_stores_code.js';
import type { EngineShape } from './gpu_shape.js';

/** The hand-written shaders, then the kernels generated for the shape, the synapse stores' part left to place (a program's code). */
export function unplacedEngineCode(shape: EngineShape): string {
  const { plan, L, R, probes, probedInput, kept } = shape;
  return [PHILOX_WGSL, CONNECTIVITY_DRAWS_WGSL, IS_FINITE_WGSL, POISSON_WGSL, WGSL_HELPERS, engineWgsl(plan, L, R, probes, probedInput, kept)].join('\n');
}

/** The engine's code, once the rows the GPU draws are placed. */
export const engineCode = (shape: EngineShape): string => placeStores(unplacedEngineCode(shape), shape.L);
