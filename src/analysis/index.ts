// spikegpu/analysis: rates, synchrony, intervals and trace comparisons, without the simulator.
export * from './rates.js';
export * from './continuous.js';
