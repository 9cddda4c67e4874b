// Izhikevich (2003) neuron: derivative and the two integration schemes (MODELS.md §1).
// Mirrors src/models/izhikevich.ts operation for operation. p = (a, b, c, d), s = (v, u).

fn izh_dv(v: f32, u: f32, i: f32) -> f32 {
  return 0.04 * (v * v) + 5.0 * v + 140.0 - u + i;
}

fn izh_du(p: vec4f, v: f32, u: f32) -> f32 {
  return p.x * (p.y * v - u);
}

// The seed's scheme: v in two dt/2 half-steps with the same u and I, then u with the new v.
fn izh_step_2003(p: vec4f, s: vec2f, i: f32, dt: f32) -> vec2f {
  let h = 0.5 * dt;
  var v = s.x;
  v = v + h * izh_dv(v, s.y, i);
  v = v + h * izh_dv(v, s.y, i);
  return vec2f(v, s.y + dt * izh_du(p, v, s.y));
}

fn izh_step_euler(p: vec4f, s: vec2f, i: f32, dt: f32) -> vec2f {
  return vec2f(s.x + dt * izh_dv(s.x, s.y, i), s.y + dt * izh_du(p, s.x, s.y));
}

// After-spike reset: v ← c, u ← u + d.
fn izh_reset(p: vec4f, s: vec2f) -> vec2f {
  return vec2f(p.z, s.y + p.w);
}

// The same model as a differential system for the generic integrators (MODELS.md §4).
// State x = (v, u, unused, unused). Parameters: a, b, c, d, threshold (reset when v ≥ threshold).
fn izh_deriv(x: vec4f, p: ModelParams, i: f32) -> vec4f {
  return vec4f(izh_dv(x.x, x.y, i), izh_du(vec4f(p[0], p[1], p[2], p[3]), x.x, x.y), 0.0, 0.0);
}
