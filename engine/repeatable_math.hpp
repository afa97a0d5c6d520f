// exp and the logistic function with the same bits in every SIMD lane and in scalar code.
//
// steppe promises that a member's numbers do not depend on the block it ran in or its row there
// (DESIGN.md §4). The compiler vectorizes a loop over members and runs the last few rows through
// scalar code; std::exp (a libm call) would stop the vectorizer, and a vector exp (Eigen's, SVML)
// differs from the scalar one in the last bit. This exp is plain branch-free arithmetic on
// doubles and 64-bit integers, so the vectorized loop and its scalar remainder perform the same
// IEEE operations in the same order and agree exactly. Accuracy: within 2 ulp of the true value
// over the whole clamped range.
//
// Fused multiply-adds are written out, never left to the compiler (the build turns contraction
// off): whether GCC contracts a product and a sum depends on the code around it, which differs
// between instantiations of the same equations, so members would differ with the path they took,
// and builds for machines without fused multiply-add would differ from the others.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>

namespace steppe {

// a·b + c rounded once: the same bits on every machine. One instruction when the build targets
// a machine with fused multiply-add (native builds on anything since 2013); the C library's fma,
// which is slower but exact, in builds for any x86-64 (portable, debug).
[[gnu::always_inline]] inline double multiply_add(double a, double b, double c) { return std::fma(a, b, c); }

// Always inlined: a call would stop the vectorizer at the loop that uses it.
[[gnu::always_inline]] inline double repeatable_exp(double x) {
  // Clamped so that 2^n below stays a normal double: exp(±708) is within the double range, and
  // beyond it the logistic function is 0 or 1 to the last bit anyway.
  x = std::max(x, -708.0);
  x = std::min(x, 708.0);
  // n = round(x / ln 2), by the 1.5·2^52 shift: the sum's last mantissa bits hold n.
  constexpr double shift = 6755399441055744.0;  // 1.5 · 2^52
  const double shifted = multiply_add(x, 1.4426950408889634, shift);
  const double n = shifted - shift;
  // r = x − n·ln 2 in two parts (Cody–Waite, fdlibm's constants: n·ln2_hi is exact); |r| ≤ ln2/2.
  const double r = multiply_add(-n, 1.90821492927058770002e-10, multiply_add(-n, 6.93147180369123816490e-01, x));
  // e^r by its Taylor series to r^13/13! (the next term is below 5e-18 for |r| ≤ ln2/2),
  // evaluated by Estrin's scheme: a tree of depth four instead of Horner's chain of thirteen,
  // so that a vector of exps is not held up waiting for one multiply after another.
  const double r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
  const double q0 = 1.0 + r, q1 = multiply_add(r, 1.0 / 6, 1.0 / 2), q2 = multiply_add(r, 1.0 / 120, 1.0 / 24),
               q3 = multiply_add(r, 1.0 / 5040, 1.0 / 720), q4 = multiply_add(r, 1.0 / 362880, 1.0 / 40320),
               q5 = multiply_add(r, 1.0 / 39916800, 1.0 / 3628800),
               q6 = multiply_add(r, 1.0 / 6227020800, 1.0 / 479001600);
  const double s0 = multiply_add(q1, r2, q0), s1 = multiply_add(q3, r2, q2), s2 = multiply_add(q5, r2, q4);
  const double p = multiply_add(multiply_add(q6, r4, s2), r8, multiply_add(s1, r4, s0));
  // 2^n built from its bits: n sits in the low bits of `shifted`; shifting it into the exponent
  // field drops everything else (unsigned arithmetic, so the wrap-around is defined).
  const std::uint64_t exponent = (std::bit_cast<std::uint64_t>(shifted) + 1023u) << 52;
  return p * std::bit_cast<double>(exponent);
}

// The logistic function 1 / (1 + e^−x).
[[gnu::always_inline]] inline double repeatable_sigmoid(double x) { return 1.0 / (1.0 + repeatable_exp(-x)); }

}  // namespace steppe
