// Every preset as a network description (docs/network.md).
export { SCENARIOS, TYPE_COMBINATIONS, seedNetwork, type Scenario, type SeedNetworkOptions } from './seed_network.js';
export { hhDoubleImpulse, linspace, neunChain, neunCoupledPair, neunCouplingScan } from './neun.js';
export { cobahh, sparseIzhikevich } from './sparse.js';
export { MICROCIRCUIT_CONNECTION_PROBABILITY, MICROCIRCUIT_EXTERNAL_INDEGREE, MICROCIRCUIT_FULL_RATES, MICROCIRCUIT_POPULATIONS, MICROCIRCUIT_SIZES, type MicrocircuitOptions, microcircuit, microcircuitFullSynapses, microcircuitParameters, pscOverPsp } from './microcircuit.js';
