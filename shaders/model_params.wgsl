// A neuron's parameters as every differential model receives them: up to 11 model parameters
// in the model's own order, and slot 11 = the spike-detection threshold (src/models/model.ts).
alias ModelParams = array<f32, 12>;
const SPIKE_THRESHOLD_SLOT: u32 = 11u;

// True unless x is NaN or ±Inf (a bit test: fast-math compilers may fold x != x away).
fn is_finite(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7F800000u) != 0x7F800000u;
}
