// spikegpu's public API.
export * from './network/description';
export * from './network/presets';
export { validateNetwork, assertValidNetwork, NetworkValidationError, type ValidationIssue, MAX_NEURONS } from './network/validate';
export { compilePlan, type Plan } from './network/plan';
export { createSimulation, simulate, Simulation, type SimulationOptions, type RunOptions, type RunSummary } from './simulation';
export { NonFiniteStateError } from './backends/backend';
export { gpuFootprint, type Launch } from './backends/gpu';
export { acquireGpu, GpuUnavailableError, GpuLimitError, type GpuOptions, type GpuContext } from './gpu/device';
export { philox4x32, PhiloxStream, Purpose, uniform01 } from './rng/philox';
export * from './analysis/rates';
export { rasterSvg, type RasterOptions } from './plot/raster';
export type { SpikeList, TraceVariable } from './recording';
