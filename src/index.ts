// spikegpu's public API: one network description (docs/network.md), models declared once
// (docs/models.md), one simulation over a CPU and a GPU backend (docs/conventions.md).
export { createSimulation, Simulation, type SimulationOptions, type RunOptions, type RunSummary } from './run/simulation';
export type { Spikes, SpikeList } from './run/recorder';
export { NonFiniteStateError } from './run/guard';
export type { CopyFailure } from './engine/cpu';
export type { SpikeTap, SpikeTapChunk } from './engine/gpu';
export { compileNetwork, type Plan } from './compile/plan';
export { formatBytes, gpuFootprint, proceduralFootprint, type GpuFootprint } from './compile/memory';
export { type ConnectRule, buildCsr, type Csr } from './compile/csr';
export type {
  Network, Population as NetworkPopulation, Projection as NetworkProjection, Connectivity as NetworkConnectivity,
  Synapse as NetworkSynapse, Input as NetworkInput, Probe as NetworkProbe,
} from './spec/network';
export { validateNetwork, assertNetwork, networkJsonSchema, NetworkSpecError, type SpecIssue } from './spec/validate';
export { MAX_NEURONS } from './spec/values';
// Global neuron indices (as spikes report them) to probes and back.
export { globalIndex, locate, networkSize, probesOf } from './spec/probes';
// Every preset returns a Network: the seed network, seed 001's and seed 003's experiments, COBAHH, sparse Izhikevich.
export * from './spec/presets/index';
// Models declared once (src/models/), compiled to WGSL and JavaScript (src/equations/).
export { MODELS, MODEL_DECLARATIONS } from './models/registry';
export { IZHIKEVICH_TYPES, type IzhikevichType } from './models/izhikevich';
export { NEUN_AREA } from './models/hodgkin_huxley';
export { COBAHH_WE, COBAHH_WI } from './models/cobahh';
export { parseModel, parameterValues, type ModelDeclaration, type ParsedModel } from './equations/model';
export { ModelError } from './equations/expression';
export { initialState } from './equations/compile';
export { CIRCUIT_INTEGRATORS, GENERIC_INTEGRATORS, RK6, TABLEAUS, type CircuitIntegrator, type Tableau } from './equations/integrators';
// Drawing, analysis and the GPU.
export {
  GpuSpikeRaster, rasterClasses, paintRaster, checkRasterGeometry, RASTER_COLOURS, RASTER_EMPTY, RASTER_EXCITATORY, RASTER_INHIBITORY,
  MAX_RASTER_PIXELS, MAX_RASTER_WINDOW, type RasterGeometry,
} from './render/spike_raster';
export { acquireGpu, GpuUnavailableError, GpuLimitError, type GpuOptions, type GpuContext } from './gpu/device';
export { philox4x32, PhiloxStream, Purpose, uniform01 } from './rng/philox';
export * from './analysis/rates';
export * from './analysis/continuous';
export { rasterSvg, type RasterOptions } from './plot/raster';
export { lineChartSvg, type LineChartOptions, type Series as ChartSeries } from './plot/lines';
