// WGSL sources, composed from the files in shaders/ (vite's ?raw turns each into a string) and
// the code generated from the model declarations (src/equations/).
import { WGSL_HELPERS } from '../equations/emit';
import philox from '../../shaders/philox.wgsl?raw';
import pulseNetwork from '../../shaders/pulse_network.wgsl?raw';
import modelParams from '../../shaders/model_params.wgsl?raw';
import circuit from '../../shaders/circuit.wgsl?raw';
import spikeRaster from '../../shaders/spike_raster.wgsl?raw';
import connectivity from '../../shaders/connectivity.wgsl?raw';
import connectivityDraws from '../../shaders/connectivity_draws.wgsl?raw';
import sparseNetwork from '../../shaders/sparse_network.wgsl?raw';
import sparsePropagate from '../../shaders/sparse_propagate.wgsl?raw';

export const PHILOX_WGSL = philox;
/** The draws that define a projection's synapses, shared by the builds and procedural rows. */
export const CONNECTIVITY_DRAWS_WGSL = connectivityDraws;

// Every kernel with generated model code also gets the helpers that code calls (spk_exprel, …).

/** The pulse-coupled Izhikevich network step: RNG + helpers + the generated model (src/backends/izhikevich_code.ts) + kernel. */
export function pulseNetworkWgsl(generatedModel: string): string {
  return [philox, modelParams, WGSL_HELPERS, generatedModel, pulseNetwork].join('\n');
}

/** Circuits of differential models: RNG + shared helpers + the generated model steps (src/circuit/models.ts) + kernel. */
export function circuitWgsl(generatedModels: string): string {
  return [philox, modelParams, WGSL_HELPERS, generatedModels, circuit].join('\n');
}

/** The live spike raster: a render pipeline that bins spike bitmasks into pixels. */
export const SPIKE_RASTER_WGSL = spikeRaster;

/** Sparse connectivity built from Philox: RNG + the build kernels. */
export const CONNECTIVITY_WGSL = [philox, connectivityDraws, connectivity].join('\n');

/** A sparse network: RNG + shared helpers + the generated model code (src/sparse/models.ts) + the neuron step + propagation (stored or regenerated rows). */
export function sparseNetworkWgsl(generatedModels: string): string {
  return [philox, modelParams, WGSL_HELPERS, generatedModels, sparseNetwork, connectivityDraws, sparsePropagate].join('\n');
}
