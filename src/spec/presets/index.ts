// Every preset as a network description (docs/network.md).
export { SCENARIOS, TYPE_COMBINATIONS, seedNetwork, type Scenario, type SeedNetworkOptions } from './seed_network.js';
export { hhDoubleImpulse, linspace, neunChain, neunCoupledPair, neunCouplingScan } from './neun.js';
export { cobahh, sparseIzhikevich } from './sparse.js';
