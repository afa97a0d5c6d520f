#include "engine/analysis/shapley.hpp"

#include <cmath>
#include <numeric>
#include <random>
#include <unordered_map>

namespace steppe {

namespace {

// Each coalition's worth, evaluated once.
class WorthCache {
 public:
  explicit WorthCache(const Worth& worth) : worth_(worth) {}
  const std::vector<double>& operator()(const Coalition& coalition) {
    auto found = cache_.find(coalition);
    if (found == cache_.end()) found = cache_.emplace(coalition, worth_(coalition)).first;
    return found->second;
  }
  std::size_t size() const { return cache_.size(); }

 private:
  const Worth& worth_;
  std::unordered_map<Coalition, std::vector<double>> cache_;
};

// φ_i = Σ over coalitions S without i of |S|! (n − |S| − 1)! / n! · (v(S ∪ {i}) − v(S)).
void exact(int players, WorthCache& worth, ShapleyValues& values) {
  std::vector<double> weight(static_cast<std::size_t>(players));  // by |S|
  for (int size = 0; size < players; ++size) {
    double w = 1.0 / players;  // |S|! (n − |S| − 1)! / n! = 1 / (n · C(n − 1, |S|))
    for (int k = 1; k <= size; ++k) w *= static_cast<double>(k) / (players - k);
    weight[static_cast<std::size_t>(size)] = w;
  }
  const std::size_t outcomes = values.none.size();
  for (std::uint64_t mask = 0; mask < (std::uint64_t{1} << players); ++mask) {
    Coalition coalition(static_cast<std::size_t>(players));
    int size = 0;
    for (int player = 0; player < players; ++player) size += (coalition[player] = (mask >> player) & 1);
    const std::vector<double> without = worth(coalition);
    for (int player = 0; player < players; ++player) {
      if (coalition[player]) continue;
      coalition[player] = true;
      const std::vector<double>& with = worth(coalition);
      coalition[player] = false;
      for (std::size_t outcome = 0; outcome < outcomes; ++outcome)
        values.value[player][outcome] += weight[static_cast<std::size_t>(size)] * (with[outcome] - without[outcome]);
    }
  }
}

// Marginal contributions along random orderings (Castro, Gómez and Tejada 2009), averaged.
void sampled(int players, WorthCache& worth, const ShapleyOptions& options, ShapleyValues& values) {
  const std::size_t outcomes = values.none.size();
  std::vector<std::vector<double>> sum_squares(players, std::vector<double>(outcomes, 0.0));
  std::mt19937_64 random(options.seed);
  std::vector<int> order(static_cast<std::size_t>(players));
  for (int drawn = 0; drawn < options.orderings; ++drawn) {
    std::iota(order.begin(), order.end(), 0);
    for (int last = players - 1; last > 0; --last)  // Fisher–Yates, the same on every platform
      std::swap(order[last], order[random() % static_cast<std::uint64_t>(last + 1)]);
    Coalition coalition(static_cast<std::size_t>(players), false);
    std::vector<double> before = values.none;
    for (int player : order) {
      coalition[player] = true;
      const std::vector<double>& after = worth(coalition);
      for (std::size_t outcome = 0; outcome < outcomes; ++outcome) {
        const double marginal = after[outcome] - before[outcome];
        values.value[player][outcome] += marginal;
        sum_squares[player][outcome] += marginal * marginal;
      }
      before = after;
    }
  }
  const double n = options.orderings;
  for (int player = 0; player < players; ++player)
    for (std::size_t outcome = 0; outcome < outcomes; ++outcome) {
      const double mean = values.value[player][outcome] / n;
      const double variance = n > 1 ? std::max(0.0, (sum_squares[player][outcome] - n * mean * mean) / (n - 1)) : 0;
      values.value[player][outcome] = mean;
      values.half_width[player][outcome] = 1.959963984540054 * std::sqrt(variance / n);
    }
}

}  // namespace

ShapleyValues shapley_values(int players, const Worth& worth, const ShapleyOptions& options) {
  WorthCache cache(worth);
  ShapleyValues values;
  values.none = cache(Coalition(static_cast<std::size_t>(players), false));
  values.all = cache(Coalition(static_cast<std::size_t>(players), true));
  const std::size_t outcomes = values.none.size();
  values.value.assign(players, std::vector<double>(outcomes, 0.0));
  values.half_width.assign(players, std::vector<double>(outcomes, 0.0));
  values.exact = players <= options.exact_up_to;
  if (values.exact)
    exact(players, cache, values);
  else {
    values.orderings = options.orderings;
    sampled(players, cache, options, values);
  }
  values.coalitions = cache.size();
  return values;
}

}  // namespace steppe
