// The hand-written WGSL the generated kernels are composed with (vite's ?raw turns each file in
// shaders/ into a string); the rest is generated from the network (src/engine/gpu_code.ts).
import philox from '../../shaders/philox.wgsl?raw';
import isFinite from '../../shaders/is_finite.wgsl?raw';
import connectivityDraws from '../../shaders/connectivity_draws.wgsl?raw';
import poisson from '../../shaders/poisson.wgsl?raw';

export const PHILOX_WGSL = philox;
/** is_finite(x): the non-finite check every neuron kernel makes. */
export const IS_FINITE_WGSL = isFinite;
/** The draws that define a projection's synapses, shared by the builds and procedural rows. */
export const CONNECTIVITY_DRAWS_WGSL = connectivityDraws;
/** poisson_count(lambda, u): a step's events of a Poisson input, by inversion. */
export const POISSON_WGSL = poisson;
