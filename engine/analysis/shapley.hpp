// Shapley values: how much each of a set of players (the settings in which two scenarios differ)
// contributes to the difference between the worth of all of them and of none (an outcome of
// the second scenario and of the first). The contributions add up to that difference.
//
// With few players every coalition is evaluated once (2^players worths) and the values are
// exact; with more, random orderings of the players are drawn and each player's marginal
// contributions averaged, with a 95% interval from their spread. Each ordering's contributions
// add up to the difference, so the estimates do too.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace steppe {

using Coalition = std::vector<bool>;  // per player: in the coalition

struct ShapleyOptions {
  int exact_up_to = 12;    // players; beyond, sample orderings
  int orderings = 200;     // random orderings when sampling
  std::uint64_t seed = 1;  // of the orderings
};

struct ShapleyValues {
  bool exact = true;
  int orderings = 0;              // drawn, when not exact
  std::size_t coalitions = 0;     // worths evaluated (each once)
  std::vector<double> none, all;  // worth of the empty and the full coalition, per outcome
  // Per player, per outcome: the contribution, and the half-width of its 95% interval (0 when exact).
  std::vector<std::vector<double>> value, half_width;
};

// The worth of a coalition: one value per outcome, the same count each time.
using Worth = std::function<std::vector<double>(const Coalition&)>;

ShapleyValues shapley_values(int players, const Worth& worth, const ShapleyOptions& options = {});

}  // namespace steppe
