// Explicit one-step integrators over a state of up to four variables (MODELS.md §4), written once
// for every model; mirrors src/integrators.ts. `system_deriv(model, x, p, i)` is defined by the
// kernel that composes this file. The input i is held constant over all stages, as Neun does.

const INTEGRATOR_EULER: u32 = 0u;
const INTEGRATOR_RK4: u32 = 1u;
const INTEGRATOR_RK6: u32 = 2u;

fn euler_step(model: u32, x: vec4f, p: ModelParams, i: f32, h: f32) -> vec4f {
  return x + h * system_deriv(model, x, p, i);
}

fn rk4_step(model: u32, x: vec4f, p: ModelParams, i: f32, h: f32) -> vec4f {
  let k1 = system_deriv(model, x, p, i);
  let k2 = system_deriv(model, x + (0.5 * h) * k1, p, i);
  let k3 = system_deriv(model, x + (0.5 * h) * k2, p, i);
  let k4 = system_deriv(model, x + h * k3, p, i);
  return x + (h / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4);
}

// Neun's 6-stage scheme: stage increments k = h·f, rows and weights as Neun codes them.
fn rk6_step(model: u32, x: vec4f, p: ModelParams, i: f32, h: f32) -> vec4f {
  let k0 = h * system_deriv(model, x, p, i);
  let k1 = h * system_deriv(model, x + 0.2 * k0, p, i);
  let k2 = h * system_deriv(model, x + 0.075 * k0 + 0.225 * k1, p, i);
  let k3 = h * system_deriv(model, x + 0.3 * k0 - 0.9 * k1 + 1.2 * k2, p, i);
  let k4 = h * system_deriv(model, x + 0.075 * k0 + 0.675 * k1 - 0.6 * k2 + 0.75 * k3, p, i);
  let k5 = h * system_deriv(model, x + 0.660493827160493 * k0 + 2.5 * k1 - 5.185185185185185 * k2
    + 3.888888888888889 * k3 - 0.864197530864197 * k4, p, i);
  return x + (0.098765432098765 * k0 + 0.396825396825396 * k2 + 0.231481481481481 * k3
    + 0.308641975308641 * k4 - 0.035714285714285 * k5);
}

fn integrate(method: u32, model: u32, x: vec4f, p: ModelParams, i: f32, h: f32) -> vec4f {
  switch method {
    case INTEGRATOR_EULER: { return euler_step(model, x, p, i, h); }
    case INTEGRATOR_RK4: { return rk4_step(model, x, p, i, h); }
    default: { return rk6_step(model, x, p, i, h); }
  }
}
