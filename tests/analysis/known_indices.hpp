// The Sobol indices of the test functions, known in closed form, and the check that an estimate
// holds each within its interval: shared by the estimators' tests on arrays (tests/analysis) and
// the sweeps' tests through the model code path (tests/engine).
#pragma once

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "engine/analysis/sobol.hpp"

namespace steppe::testing {

struct KnownIndices {
  std::vector<double> first, total;
};

// Ishigami–Homma with a = 7, b = 0.1 on [−π, π]³.
inline const KnownIndices ishigami_indices = {{0.3139, 0.4424, 0.0}, {0.5576, 0.4424, 0.2437}};

// Sobol's G with a = (0, 1, 4.5, 9, 99, 99) on [0, 1]⁶: V_i = 1 / (3 (1 + a_i)²),
// V = Π (1 + V_i) − 1, S1_i = V_i / V, ST_i = V_i Π_{j≠i} (1 + V_j) / V.
inline KnownIndices sobol_g_indices() {
  std::vector<double> partial;
  double product = 1;
  for (double a : {0.0, 1.0, 4.5, 9.0, 99.0, 99.0}) {
    partial.push_back(1 / (3 * (1 + a) * (1 + a)));
    product *= 1 + partial.back();
  }
  KnownIndices known;
  for (double v : partial) {
    known.first.push_back(v / (product - 1));
    known.total.push_back(v * product / (1 + v) / (product - 1));
  }
  return known;
}

// Each index within its interval of the truth, and every interval narrower than `widest`.
inline void check_indices(const SobolResult& result, const KnownIndices& known, double widest = 0.05) {
  REQUIRE(result.indices.size() == known.first.size());
  for (std::size_t i = 0; i < known.first.size(); ++i) {
    const SobolIndex& index = result.indices[i];
    CAPTURE(index.factor, index.first, index.first_interval, index.total, index.total_interval);
    CHECK(std::abs(index.first - known.first[i]) <= index.first_interval);
    CHECK(std::abs(index.total - known.total[i]) <= index.total_interval);
    CHECK(index.first_interval < widest);
    CHECK(index.total_interval < widest);
  }
}

}  // namespace steppe::testing
