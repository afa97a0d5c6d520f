#include "engine/designs.hpp"

#include <algorithm>
#include <boost/random/sobol.hpp>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "engine/random.hpp"

namespace steppe {

namespace {

// Designs draw from the same counter-based streams as the simulation, keyed by the sweep's
// seed, at "months" no simulation reaches: one tag per use (the table of engine/random.hpp).
double draw(std::uint64_t seed, std::uint64_t index, StreamTag tag, std::uint32_t number) {
  return uniform_draw(seed, index, tag_month(tag), number);
}

// A random permutation of 0..n-1 (Fisher–Yates), the stream (index, tag) numbering its draws.
std::vector<int> permutation(int n, std::uint64_t seed, std::uint64_t index, StreamTag tag) {
  std::vector<int> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  for (int i = n - 1; i > 0; --i) {
    const auto j = static_cast<int>(draw(seed, index, tag, static_cast<std::uint32_t>(i)) * (i + 1));
    std::swap(order[static_cast<std::size_t>(i)], order[static_cast<std::size_t>(std::min(j, i))]);
  }
  return order;
}

void require(bool condition, const char* message) {
  if (!condition) throw std::invalid_argument(message);
}

}  // namespace

const char* block_name(Block block) {
  switch (block) {
    case Block::point:
      return "point";
    case Block::a:
      return "A";
    case Block::b:
      return "B";
    case Block::ab:
      return "AB";
    case Block::ba:
      return "BA";
    case Block::morris:
      return "morris";
  }
  return "";
}

bool is_power_of_two(long long n) { return n > 0 && (n & (n - 1)) == 0; }

long long nearest_power_of_two(long long n) {
  long long lower = 1;
  while (lower * 2 <= n) lower *= 2;
  const long long upper = lower * 2;
  return n - lower <= upper - n ? lower : upper;
}

std::vector<DesignPoint> monte_carlo_design(int n, int k, std::uint64_t seed) {
  require(n >= 1 && k >= 1, "a Monte Carlo design needs at least one point and one factor");
  std::vector<DesignPoint> points(static_cast<std::size_t>(n));
  for (int j = 0; j < n; ++j) {
    DesignPoint& point = points[static_cast<std::size_t>(j)];
    point.block = Block::point;
    for (int i = 0; i < k; ++i)
      point.unit.push_back(
          draw(seed, static_cast<std::uint64_t>(j), StreamTag::monte_carlo, static_cast<std::uint32_t>(i)));
  }
  return points;
}

std::vector<DesignPoint> latin_hypercube_design(int n, int k, std::uint64_t seed) {
  require(n >= 1 && k >= 1, "a Latin hypercube needs at least one point and one factor");
  std::vector<DesignPoint> points(static_cast<std::size_t>(n));
  for (auto& point : points) {
    point.block = Block::point;
    point.unit.resize(static_cast<std::size_t>(k));
  }
  for (int i = 0; i < k; ++i) {
    const std::vector<int> strata = permutation(n, seed, static_cast<std::uint64_t>(i), StreamTag::latin_pairing);
    for (int j = 0; j < n; ++j) {
      const double within =
          draw(seed, static_cast<std::uint64_t>(j), StreamTag::latin_strata, static_cast<std::uint32_t>(i));
      points[static_cast<std::size_t>(j)].unit[static_cast<std::size_t>(i)] =
          (strata[static_cast<std::size_t>(j)] + within) / n;
    }
  }
  return points;
}

std::vector<DesignPoint> grid_design(const std::vector<int>& levels, const std::vector<bool>& list_factor) {
  require(!levels.empty() && levels.size() == list_factor.size(), "a grid needs levels for every factor");
  long long total = 1;
  for (int count : levels) {
    require(count >= 1, "a grid factor needs at least one level");
    total *= count;
    require(total <= 100'000'000, "a grid of more than 10^8 points");
  }
  std::vector<DesignPoint> points;
  points.reserve(static_cast<std::size_t>(total));
  std::vector<int> at(levels.size(), 0);  // the level of each factor; the last one varies fastest
  for (long long index = 0; index < total; ++index) {
    DesignPoint point;
    point.block = Block::point;
    for (std::size_t i = 0; i < levels.size(); ++i) {
      const double count = levels[i];
      point.unit.push_back(list_factor[i] ? (at[i] + 0.5) / count : count == 1 ? 0.5 : at[i] / (count - 1));
    }
    points.push_back(std::move(point));
    for (auto i = static_cast<int>(levels.size()) - 1; i >= 0; --i) {
      if (++at[static_cast<std::size_t>(i)] < levels[static_cast<std::size_t>(i)]) break;
      at[static_cast<std::size_t>(i)] = 0;
    }
  }
  return points;
}

std::vector<std::vector<double>> scrambled_sobol_rows(int n, int dimension, std::uint64_t seed) {
  require(n >= 1 && dimension >= 1, "a Sobol sequence needs at least one point and one dimension");
  const auto dimensions = static_cast<std::size_t>(dimension);
  boost::random::sobol sequence(dimensions);
  // A random digital shift per dimension keeps the sequence's stratification and makes it a
  // randomized quasi-Monte Carlo sample, so that bootstrap intervals mean something.
  std::vector<std::uint64_t> shift(dimensions);
  for (std::size_t d = 0; d < dimensions; ++d)
    shift[d] = static_cast<std::uint64_t>(draw(seed, d, StreamTag::sobol_shift, 0) * 0x1p53) << 11;
  // Boost's sequence starts at its second point; the first is the origin. The first n points
  // of the whole sequence form a net: one point in every stratum of 1/n of each dimension.
  std::vector<std::vector<double>> rows(static_cast<std::size_t>(n), std::vector<double>(dimensions));
  for (std::size_t j = 0; j < rows.size(); ++j)
    for (std::size_t d = 0; d < dimensions; ++d) {
      const std::uint64_t bits = (j == 0 ? 0 : static_cast<std::uint64_t>(sequence())) ^ shift[d];
      rows[j][d] = (static_cast<double>(bits >> 11) + 0.5) * 0x1p-53;  // the centre of its 2^-53 cell
    }
  return rows;
}

std::vector<DesignPoint> saltelli_design(int n, int k, bool second_order, std::uint64_t seed) {
  require(is_power_of_two(n), "a Saltelli design needs a power of two of base points");
  require(k >= 1, "a Saltelli design needs at least one factor");
  const std::vector<std::vector<double>> rows = scrambled_sobol_rows(n, 2 * k, seed);

  std::vector<DesignPoint> points;
  points.reserve(static_cast<std::size_t>(n) * static_cast<std::size_t>(second_order ? 2 * k + 2 : k + 2));
  const auto columns = [&](int j, int from_b_factor, bool b_base) {
    const auto& row = rows[static_cast<std::size_t>(j)];
    std::vector<double> unit(static_cast<std::size_t>(k));
    for (int i = 0; i < k; ++i) {
      const bool from_b = (i == from_b_factor) != b_base;
      unit[static_cast<std::size_t>(i)] = row[static_cast<std::size_t>(from_b ? k + i : i)];
    }
    return unit;
  };
  for (int j = 0; j < n; ++j) {
    points.push_back({Block::a, j, -1, 0, -1, columns(j, -1, false)});
    points.push_back({Block::b, j, -1, 0, -1, columns(j, -1, true)});
    for (int i = 0; i < k; ++i) points.push_back({Block::ab, j, i, 0, -1, columns(j, i, false)});
    if (second_order)
      for (int i = 0; i < k; ++i) points.push_back({Block::ba, j, i, 0, -1, columns(j, i, true)});
  }
  return points;
}

std::vector<DesignPoint> morris_design(int trajectories, int levels, int k, std::uint64_t seed) {
  require(trajectories >= 1 && k >= 1, "a Morris design needs at least one trajectory and one factor");
  require(levels >= 2 && levels % 2 == 0, "Morris levels must be an even number of at least 2");
  const double step = 1.0 / (levels - 1);
  const double delta = levels / (2.0 * (levels - 1));
  // Starting levels leave room for one move up by Δ: 0 .. 1 − Δ on the grid.
  const int start_levels = levels / 2;
  std::vector<DesignPoint> points;
  points.reserve(static_cast<std::size_t>(trajectories) * static_cast<std::size_t>(k + 1));
  for (int t = 0; t < trajectories; ++t) {
    std::vector<double> x(static_cast<std::size_t>(k));
    for (int i = 0; i < k; ++i) {
      const auto level = static_cast<int>(
          draw(seed, static_cast<std::uint64_t>(t), StreamTag::morris_start, static_cast<std::uint32_t>(i)) *
          start_levels);
      x[static_cast<std::size_t>(i)] = std::min(level, start_levels - 1) * step;
    }
    // Each factor moves once, up by Δ from the start or down by Δ from its top, at random.
    std::vector<bool> up(static_cast<std::size_t>(k));
    for (int i = 0; i < k; ++i) {
      up[static_cast<std::size_t>(i)] =
          draw(seed, static_cast<std::uint64_t>(t), StreamTag::morris_direction, static_cast<std::uint32_t>(i)) < 0.5;
      if (!up[static_cast<std::size_t>(i)]) x[static_cast<std::size_t>(i)] += delta;
    }
    points.push_back({Block::morris, t, -1, 0, -1, x});
    const std::vector<int> order = permutation(k, seed, static_cast<std::uint64_t>(t), StreamTag::morris_order);
    for (int s = 0; s < k; ++s) {
      const auto i = static_cast<std::size_t>(order[static_cast<std::size_t>(s)]);
      x[i] += up[i] ? delta : -delta;
      points.push_back({Block::morris, t, static_cast<int>(i), s + 1, -1, x});
    }
  }
  return points;
}

}  // namespace steppe
