// Hodgkin–Huxley (1952) in either convention (MODELS.md §2); mirrors src/models/hodgkin_huxley.ts.
// State x = (v, h, m, n) in Neun's order. Parameters: cm, ena, ek, el, gna, gk, gl, vrest.
// The rate functions take u = v − vrest, the 1952 depolarisation from rest: vrest = 0 gives the
// 1952 convention, vrest = −65 Neun's. Currents are per cm² when cm, g are per cm² (1952) and
// absolute when they are scaled by the membrane area (Neun).

// x / (exp(x) − 1), continued by its series near the removable singularity at x = 0.
fn hh_trap(x: f32) -> f32 {
  if (abs(x) < 1e-2) {
    return 1.0 - x * (0.5 - x * (1.0 / 12.0));
  }
  return x / (exp(x) - 1.0);
}

fn hh_deriv(x: vec4f, p: ModelParams, i: f32) -> vec4f {
  let v = x.x; let h = x.y; let m = x.z; let n = x.w;
  let u = v - p[7];
  let an = 0.1 * hh_trap((10.0 - u) / 10.0);
  let bn = 0.125 * exp(-u / 80.0);
  let am = hh_trap((25.0 - u) / 10.0);
  let bm = 4.0 * exp(-u / 18.0);
  let ah = 0.07 * exp(-u / 20.0);
  let bh = 1.0 / (exp((30.0 - u) / 10.0) + 1.0);
  let ina = p[4] * (m * m * m) * h * (v - p[1]);
  let ik = p[5] * ((n * n) * (n * n)) * (v - p[2]);
  let il = p[6] * (v - p[3]);
  return vec4f(
    (i - il - ina - ik) / p[0],
    ah * (1.0 - h) - bh * h,
    am * (1.0 - m) - bm * m,
    an * (1.0 - n) - bn * n,
  );
}
