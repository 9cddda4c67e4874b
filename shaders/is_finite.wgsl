// True unless x is NaN or ±Inf (a bit test: fast-math compilers may fold x != x away).
fn is_finite(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7F800000u) != 0x7F800000u;
}
