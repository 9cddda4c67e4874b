// COBAHH neuron (MODELS.md §6): mirrors src/models/cobahh.ts operation for operation (Brian2's
// exponential Euler, see there). Composed after hodgkin_huxley.wgsl (hh_trap).
// State x = (v, m, h, n) and g = (ge, gi), the latter already holding this step's jumps.

struct CobahhParams {
  cm: f32, gl: f32, gna: f32, gk: f32,
  el: f32, ek: f32, ena: f32, vt: f32,
  ee: f32, ei: f32, decay_e: f32, decay_i: f32,
}

// φ(a) = (1 − e^(−a))/a, by its series near 0.
fn exp_euler_factor(a: f32) -> f32 {
  if (abs(a) < 1e-4) { return 1.0 - a * (0.5 - a * (1.0 / 6.0)); }
  return (1.0 - exp(-a)) / a;
}

fn cobahh_gate(x: f32, a: f32, b: f32, dt: f32) -> f32 {
  return x + (a - (a + b) * x) * dt * exp_euler_factor((a + b) * dt);
}

fn cobahh_step(x: vec4f, g: vec2f, p: CobahhParams, dt: f32) -> vec4f {
  let v = x.x; let m = x.y; let h = x.z; let n = x.w;
  let u = v - p.vt;
  let am = 1.28 * hh_trap((13.0 - u) / 4.0);
  let bm = 1.4 * hh_trap((u - 40.0) / 5.0);
  let ah = 0.128 * exp((17.0 - u) / 18.0);
  let bh = 4.0 / (1.0 + exp((40.0 - u) / 5.0));
  let an = 0.16 * hh_trap((15.0 - u) / 5.0);
  let bn = 0.5 * exp((10.0 - u) / 40.0);
  let gna = p.gna * (m * m * m) * h;
  let gk = p.gk * ((n * n) * (n * n));
  let gtot = p.gl + g.x + g.y + gna + gk;
  let drive = p.gl * p.el + g.x * p.ee + g.y * p.ei + gna * p.ena + gk * p.ek;
  return vec4f(
    v + (drive - gtot * v) * (dt / p.cm) * exp_euler_factor(gtot * (dt / p.cm)),
    cobahh_gate(m, am, bm, dt),
    cobahh_gate(h, ah, bh, dt),
    cobahh_gate(n, an, bn, dt),
  );
}
