// Events of a Poisson process with mean lambda (at most 80, src/spec/check.ts, so exp(-lambda) is a
// normal f32 and p never starts at 0) in one step, by inversion of one uniform u in [0, 1); the
// CPU's twin is poissonCount in src/engine/cpu_inputs.ts (in f64: the two differ where the f32 sum
// and WGSL's exp, 3 + 2|x| ulp, move a boundary of u).
fn poisson_count(lambda: f32, u: f32) -> u32 {
  if (lambda <= 0.0) { return 0u; }
  let v = u + 2.9802322387695312e-8;
  var k = 0u;
  var p = exp(-lambda);
  var cdf = p;
  loop {
    if (v <= cdf || k >= 1000u) { break; }
    let next = p * (lambda / f32(k + 1u));
    // Past the mode the f32 sum stops growing short of 1: v above it is in the tail, ended here
    // (a relative test, as fast-math compilers fold cdf + next == cdf into next == 0).
    if (next < cdf * 5.9604644775390625e-8) { break; }
    k += 1u;
    p = next;
    cdf += p;
  }
  return k;
}
