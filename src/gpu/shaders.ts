// WGSL sources, composed from the files in shaders/ (vite's ?raw turns each into a string).
import philox from '../../shaders/philox.wgsl?raw';
import izhikevich from '../../shaders/izhikevich.wgsl?raw';
import pulseNetwork from '../../shaders/pulse_network.wgsl?raw';

export const PHILOX_WGSL = philox;

/** The pulse-coupled Izhikevich network step: RNG + model + network kernel. */
export const PULSE_NETWORK_WGSL = [philox, izhikevich, pulseNetwork].join('\n');
