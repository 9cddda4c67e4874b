// Hindmarsh–Rose in Neun's generalised form (MODELS.md §3); mirrors src/models/hindmarsh_rose.ts.
// State x = (x, y, z, unused). Parameters in Neun's order: e, mu, S, a, b, c, d, xr, vh.

fn hr_deriv(s: vec4f, p: ModelParams, i: f32) -> vec4f {
  let x = s.x; let y = s.y; let z = s.z;
  return vec4f(
    y + p[4] * (x * x) - p[3] * (x * x * x) - z + p[0] + i,
    p[5] - p[6] * (x * x) - y,
    p[1] * (-(z * p[8]) + p[2] * (x - p[7])),
    0.0,
  );
}
