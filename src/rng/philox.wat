;; Philox4x32-10 (Salmon et al. 2011) over runs of consecutive counters, for the CPU backend's
;; noise: WebAssembly's 64-bit multiply gives a round's high word in one instruction where
;; JavaScript needs four 16-bit products. Bit-identical to philox4x32 in philox.ts (tests/philox.test.ts).
(module
  (memory (export "memory") 1)
  ;; For i < count (at most 4096, one page): the words of counter (c0, c1 + i, c2, c3) under key
  ;; (k0, k1) at bytes 16·i … 16·i + 15.
  (func (export "philox") (param $c0 i32) (param $c1 i32) (param $c2 i32) (param $c3 i32)
                          (param $k0 i32) (param $k1 i32) (param $count i32)
    (local $i i32) (local $round i32) (local $at i32)
    (local $x0 i32) (local $x1 i32) (local $x2 i32) (local $x3 i32) (local $y0 i32) (local $y1 i32)
    (local $p0 i64) (local $p1 i64)
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $x0 (local.get $c0))
        (local.set $x1 (i32.add (local.get $c1) (local.get $i)))
        (local.set $x2 (local.get $c2))
        (local.set $x3 (local.get $c3))
        (local.set $y0 (local.get $k0))
        (local.set $y1 (local.get $k1))
        (local.set $round (i32.const 10))
        (loop $rounds
          (local.set $p0 (i64.mul (i64.extend_i32_u (local.get $x0)) (i64.const 0xd2511f53)))
          (local.set $p1 (i64.mul (i64.extend_i32_u (local.get $x2)) (i64.const 0xcd9e8d57)))
          (local.set $x0 (i32.xor (i32.xor (i32.wrap_i64 (i64.shr_u (local.get $p1) (i64.const 32))) (local.get $x1)) (local.get $y0)))
          (local.set $x1 (i32.wrap_i64 (local.get $p1)))
          (local.set $x2 (i32.xor (i32.xor (i32.wrap_i64 (i64.shr_u (local.get $p0) (i64.const 32))) (local.get $x3)) (local.get $y1)))
          (local.set $x3 (i32.wrap_i64 (local.get $p0)))
          ;; The key is bumped between rounds (after the last one it is no longer read).
          (local.set $y0 (i32.add (local.get $y0) (i32.const 0x9e3779b9)))
          (local.set $y1 (i32.add (local.get $y1) (i32.const 0xbb67ae85)))
          (local.set $round (i32.sub (local.get $round) (i32.const 1)))
          (br_if $rounds (local.get $round)))
        (local.set $at (i32.shl (local.get $i) (i32.const 4)))
        (i32.store offset=0 (local.get $at) (local.get $x0))
        (i32.store offset=4 (local.get $at) (local.get $x1))
        (i32.store offset=8 (local.get $at) (local.get $x2))
        (i32.store offset=12 (local.get $at) (local.get $x3))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each)))))
