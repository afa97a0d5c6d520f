// Sampling designs of a sweep: where in the unit hypercube [0, 1]^k each run's k factors sit.
// A factor maps its coordinate to a value through its distribution's quantile function (or
// picks from its list), so the designs know nothing of models.
//
// Every design is a pure function of its sizes and a seed: the same sweep file gives the same
// points on any machine, thread or rank count — which a resumed or sharded sweep relies on.
// Each point carries its role in the design (which Saltelli block, which Morris trajectory and
// step), which the database stores so that analyses never depend on row order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace steppe {

// A point's role in its design: kept for every point (and stored by the database), so that an
// analysis finds its A, B and AB_i rows or its Morris steps whatever order runs are in.
enum class Block : char {
  point,  // grid, Latin hypercube, Monte Carlo
  a,
  b,  // Saltelli's matrices A and B
  ab,
  ba,      // A with column i from B; B with column i from A (second order)
  morris,  // a step of a Morris trajectory
};
const char* block_name(Block block);  // "point", "A", "B", "AB", "BA", "morris"

struct DesignPoint {
  Block block = Block::point;
  int base = -1;             // Saltelli: the row j of A and B it derives from; Morris: the trajectory
  int factor = -1;           // AB/BA: the factor i taken from the other matrix; Morris: the factor this
                             // step moved (-1 for a trajectory's first point)
  int step = 0;              // Morris: the position within the trajectory (0..k)
  int policy = -1;           // policies × scenarios: the policy this point runs (base: the scenario point)
  std::vector<double> unit;  // the k coordinates, each in [0, 1]
};

// n points uniformly at random.
std::vector<DesignPoint> monte_carlo_design(int n, int k, std::uint64_t seed);
// n points, each factor's [0, 1] cut into n equal strata with one point in each, the strata
// paired at random between factors.
std::vector<DesignPoint> latin_hypercube_design(int n, int k, std::uint64_t seed);
// Every combination of levels[i] levels per factor (at i / (levels − 1), or 0.5 for one level);
// `list_factor[i]` places the levels at the centres (j + 0.5) / levels instead, so that a list
// factor picks each of its values.
std::vector<DesignPoint> grid_design(const std::vector<int>& levels, const std::vector<bool>& list_factor);
// The first n points of the Sobol sequence of `dimension` dimensions (the origin first), each
// dimension scrambled by a random digital shift drawn from the seed. With n a power of two they
// form a net: every stratum of 1/n of every dimension holds exactly one point.
std::vector<std::vector<double>> scrambled_sobol_rows(int n, int dimension, std::uint64_t seed);
// Saltelli's scheme for Sobol indices: matrices A and B (n rows each) from a scrambled Sobol
// sequence of dimension 2k (scrambled_sobol_rows), then AB_i (A with column i
// from B) for every i, and BA_i with `second_order`: n(k + 2) or n(2k + 2) points. n must be a
// power of two.
std::vector<DesignPoint> saltelli_design(int n, int k, bool second_order, std::uint64_t seed);
// Morris's elementary-effects design: `trajectories` trajectories of k + 1 points on a grid of
// `levels` levels, each step moving one factor (in random order) by Δ = levels / (2 (levels − 1)).
std::vector<DesignPoint> morris_design(int trajectories, int levels, int k, std::uint64_t seed);

bool is_power_of_two(long long n);
// The power of two nearest to n (the lower one on a tie), for an error message.
long long nearest_power_of_two(long long n);

}  // namespace steppe
