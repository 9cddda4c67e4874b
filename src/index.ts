// spikegpu's public API.
export * from './network/description';
export * from './network/presets';
export { validateNetwork, assertValidNetwork, NetworkValidationError, type ValidationIssue, MAX_NEURONS } from './network/validate';
export { compilePlan, type Plan } from './network/plan';
export { createSimulation, simulate, Simulation, type SimulationOptions, type RunOptions, type RunSummary } from './simulation';
export { NonFiniteStateError } from './backends/backend';
export {
  GpuSpikeRaster, rasterClasses, paintRaster, checkRasterGeometry, RASTER_COLOURS, RASTER_EMPTY, RASTER_EXCITATORY, RASTER_INHIBITORY,
  MAX_RASTER_PIXELS, MAX_RASTER_WINDOW, type RasterGeometry,
} from './render/spike_raster';
export { gpuFootprint, type Launch } from './backends/gpu';
export { acquireGpu, GpuUnavailableError, GpuLimitError, type GpuOptions, type GpuContext } from './gpu/device';
export { philox4x32, PhiloxStream, Purpose, uniform01 } from './rng/philox';
export * from './analysis/rates';
export { rasterSvg, type RasterOptions } from './plot/raster';
export { lineChartSvg, type LineChartOptions, type Series as ChartSeries } from './plot/lines';
export type { SpikeList, TraceVariable } from './recording';
// Circuits of differential models (Neun parity): HH, Hindmarsh–Rose, Izhikevich; Euler/RK4/RK6;
// electrical and diffusion synapses; stimuli; batches of independent copies.
export * from './circuit/description';
export * from './circuit/presets';
export { validateCircuit, assertValidCircuit, MAX_CIRCUIT_ELEMENTS } from './circuit/validate';
export { compileCircuit, type CircuitPlan } from './circuit/plan';
export { createCircuit, simulateCircuit, CircuitSimulation, type CircuitOptions, type CircuitSpikes, type TraceRef } from './circuit/simulation';
export type { CopyFailure } from './circuit/backend';
export { CIRCUIT_INTEGRATORS, GENERIC_INTEGRATORS, RK6, TABLEAUS, type CircuitIntegrator, type Tableau } from './equations/integrators';
export { NEURON_MODELS, type NeuronModelName } from './circuit/models';
// Models declared once (src/models/), compiled to WGSL and JavaScript (src/equations/).
export { MODELS, MODEL_DECLARATIONS } from './models/registry';
export { parseModel, parameterValues, type ModelDeclaration, type ParsedModel } from './equations/model';
export { ModelError } from './equations/expression';
export { initialState } from './equations/compile';
export { NEUN_AREA } from './models/hodgkin_huxley';
export * from './analysis/continuous';
// Sparse networks at scale (#5): connectivity rules built on the GPU, COBAHH, delays, GPU rates.
export * from './sparse/description';
export { type ConnectRule, buildCsr, type Csr } from './compile/csr';
export { compileSparse, type SparsePlan } from './sparse/plan';
export { SparseSimulation, type SparseOptions, type SparseRunSummary } from './sparse/simulation';
export { COBAHH_WE, COBAHH_WI, type CobahhParams } from './models/cobahh';
// The one engine (issue 14, in progress): one network description for every network, models declared
// once, one simulation over a CPU and a GPU backend. Named apart from the three engines above until
// those are ported and removed.
export { createSimulation as createNetworkSimulation, Simulation as NetworkSimulation, type SimulationOptions as NetworkSimulationOptions, type RunOptions as NetworkRunOptions } from './run/simulation';
export type { Spikes } from './run/recorder';
export { compileNetwork, type Plan as NetworkPlan } from './compile/plan';
export type { Network, Population as NetworkPopulation, Projection as NetworkProjection, Input as NetworkInput } from './spec/network';
export { validateNetwork as validateNetworkDescription, assertNetwork, networkJsonSchema, NetworkSpecError, type SpecIssue } from './spec/validate';
export * as networkPresets from './spec/presets/index';
export type { SpikeTap, SpikeTapChunk } from './engine/gpu';
export { formatBytes, gpuFootprint as networkGpuFootprint, proceduralFootprint, type GpuFootprint } from './compile/memory';
