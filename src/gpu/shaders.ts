// WGSL sources, composed from the files in shaders/ (vite's ?raw turns each into a string).
import philox from '../../shaders/philox.wgsl?raw';
import izhikevich from '../../shaders/izhikevich.wgsl?raw';
import pulseNetwork from '../../shaders/pulse_network.wgsl?raw';
import modelParams from '../../shaders/model_params.wgsl?raw';
import hodgkinHuxley from '../../shaders/hodgkin_huxley.wgsl?raw';
import hindmarshRose from '../../shaders/hindmarsh_rose.wgsl?raw';
import integrators from '../../shaders/integrators.wgsl?raw';
import circuit from '../../shaders/circuit.wgsl?raw';
import spikeRaster from '../../shaders/spike_raster.wgsl?raw';
import connectivity from '../../shaders/connectivity.wgsl?raw';
import connectivityDraws from '../../shaders/connectivity_draws.wgsl?raw';
import cobahh from '../../shaders/cobahh.wgsl?raw';
import sparseNetwork from '../../shaders/sparse_network.wgsl?raw';
import sparsePropagate from '../../shaders/sparse_propagate.wgsl?raw';

export const PHILOX_WGSL = philox;

/** The pulse-coupled Izhikevich network step: RNG + model + network kernel. */
export const PULSE_NETWORK_WGSL = [philox, modelParams, izhikevich, pulseNetwork].join('\n');

/** Circuits of differential models: RNG + shared model helpers + every model + integrators + kernel. */
export const CIRCUIT_WGSL = [philox, modelParams, hodgkinHuxley, hindmarshRose, izhikevich, integrators, circuit].join('\n');

/** The live spike raster: a render pipeline that bins spike bitmasks into pixels. */
export const SPIKE_RASTER_WGSL = spikeRaster;

/** Sparse connectivity built from Philox: RNG + the build kernels. */
export const CONNECTIVITY_WGSL = [philox, connectivityDraws, connectivity].join('\n');

/** A sparse network: RNG + shared helpers + the models it can run + the neuron step + propagation (stored or regenerated rows). */
export const SPARSE_NETWORK_WGSL = [philox, modelParams, hodgkinHuxley, izhikevich, cobahh, sparseNetwork, connectivityDraws, sparsePropagate].join('\n');
