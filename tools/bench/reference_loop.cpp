// A hand-fused loop of the third_neighbor step, the yardstick for steppe's step loop.
//
// Issue 3 sets the step loop's speed against "a hand-fused loop of the v1 equations with
// vectorized exp". This is such a loop, written for the flagship's shape only: one partner, two
// neighbors, the flagship network's four routes, the calibrated levers as constants, one
// `#pragma omp simd` loop over the members of a block with every equation inside it, and the
// state updated in place. It leaves out all that makes steppe general (actors and levers from
// the scenario, schedules, triggers, uncertain parameters, repeatable bits in any block), which
// is what makes it the fastest the machine does with these equations. This machine's speed
// swings by a third from one minute to the next, so steppe_bench times it next to the real
// step loop and docs/performance.md compares the two in pairs.
//
// It is not a second implementation for anyone to use: `steppe_bench --check-reference` (run by
// a test) checks that it reproduces the calibrated golden checkpoints of docs/model.md §8, so that
// it stays the same model as it is timed.
#include "tools/bench/reference_loop.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <vector>

#include "engine/random.hpp"
#include "engine/repeatable_math.hpp"
#include "models/third_neighbor/third_neighbor.hpp"

namespace steppe::reference {

namespace {

using third_neighbor::partner_levers;
constexpr int levers = third_neighbor::partner_lever_count;
// The model's lever table (docs/model.md §2.3), one array per property, so that the loops below index
// plain constants.
template <typename Property>
constexpr auto lever_table(Property property) {
  std::array<decltype(property(partner_levers[0])), levers> table{};
  for (int l = 0; l < levers; ++l) table[l] = property(partner_levers[l]);
  return table;
}
constexpr auto visibility = lever_table([](const auto& lever) { return lever.visibility; });
constexpr auto lag = lever_table([](const auto& lever) { return lever.lag_months; });
constexpr auto needs_access = lever_table([](const auto& lever) { return lever.needs_access; });
constexpr auto profiled = lever_table([](const auto& lever) { return lever.lowered_by_concession(); });
constexpr auto counter = lever_table([](const auto& lever) { return lever.counter(); });
constexpr auto status_quo = lever_table([](const auto& lever) { return lever.status_quo; });
// The calibrated lever set (docs/model.md §1.3), framing 0; focal and neighbor levers at their defaults.
constexpr std::array<double, levers> setting = {0.8, 0.8, 0.8, 0.5, 0.4, 0.2, 0.6, 0.5, 0.6, 1.0,
                                                0.8, 0.6, 0.9, 0.4, 0.3, 0.4, 0.0, 0.0, 0.0};
constexpr double framing = 0.0, outreach = 0.6, deployments = 0.7, balanced_diplomacy = 0.7, threshold = 0.15;
constexpr std::array<double, 2> hawkishness = {0.5, 0.5}, inducements = {0.5, 0.3}, direct_pressure = {0, 0};
// Per neighbor (CHN, RUS), docs/model.md §7.2.
constexpr std::array<double, 2> theta = {2.0, 2.4}, steep = {2.5, 2.0}, k = {0.20, 0.15}, fatigue = {0.10, 0.10},
                                grievance = {0.010, 0.008}, D_floor = {0.45, 0.22}, D_max = {0.80, 0.45},
                                air_floor = {0.03, 0.03};
using third_neighbor::basing, third_neighbor::education_exchange, third_neighbor::high_level_visits,
    third_neighbor::strategic_dialogue;

// Both always inlined: a call stops the vectorizer.
[[gnu::always_inline]] inline double sigmoid(double x) { return repeatable_sigmoid(x); }
[[gnu::always_inline]] inline double clip(double x) { return std::min(1.0, std::max(0.0, x)); }

// A block's state, one array per variable (members contiguous).
struct Block {
  int members;
  std::array<std::vector<double>, levers> e;
  std::vector<double> A, I, S, R, K, X, T, M, H, Q, attention, months_left;
  std::array<std::vector<double>, 2> P, C, D;

  explicit Block(int count) : members(count) {
    for (auto* column :
         {&A, &I, &S, &R, &K, &X, &T, &M, &H, &Q, &attention, &months_left, &P[0], &P[1], &C[0], &C[1], &D[0], &D[1]})
      column->assign(count, 0.0);
    for (int l = 0; l < levers; ++l) e[l].assign(count, status_quo[l]);
    double mean = 0, visible = 0;
    for (int l = 0; l < levers; ++l) {
      if (!counter[l]) mean += status_quo[l];
      visible += visibility[l] * status_quo[l];
    }
    for (int i = 0; i < count; ++i) {
      A[i] = 0.5, I[i] = 0.55, S[i] = 0.65, R[i] = 0.55, X[i] = 0.05, T[i] = 0.5, H[i] = 0.45, Q[i] = 0.55;
      attention[i] = 1, C[0][i] = 0.12, C[1][i] = 0.10, D[0][i] = 0.585, D[1][i] = 0.34, M[i] = mean / 16;
      for (int n = 0; n < 2; ++n)  // at its target; concession (K) starts at 0
        P[n][i] = sigmoid(steep[n] * (visible * (1 + 2 * framing) - theta[n])) * (1 - 0.5 * balanced_diplomacy);
    }
  }
};

// docs/model.md §7.8: turnover at months 29 and 41, elections at 46 and 94, a crisis draw every month.
void apply_events(Block& b, int month, bool stochastic, std::uint64_t seed, std::uint64_t first) {
  const auto draw = [&](int i, std::uint32_t number) {
    return uniform_draw(seed, first + static_cast<std::uint64_t>(i), static_cast<std::uint32_t>(month), number);
  };
  if (month == 29 || month == 41)
    for (int i = 0; i < b.members; ++i) {
      const double hit = clip(0.3 * (stochastic ? 2 * draw(i, 0) : 1.0) * (1 - b.Q[i]) * (1 - b.H[i]));
      for (int l = 0; l < levers; ++l) b.e[l][i] *= 1 - hit;
      b.T[i] *= 1 - hit;
    }
  if (month == 46 || month == 94)
    for (int i = 0; i < b.members; ++i) {
      b.attention[i] = 1 - 0.3 * 2 * (stochastic ? draw(i, 0) : 0.5) * (1 - b.H[i]);
      b.months_left[i] = 12;
    }
  if (!stochastic) return;
#pragma omp simd
  for (int i = 0; i < b.members; ++i) {
    const double crisis = draw(i, 0xFFFF) < 0.002 + 0.03 * sigmoid(10 * (b.X[i] - 0.5)) ? 1.0 : 0.0;
    b.C[0][i] = std::min(1.0, b.C[0][i] + 0.15 * crisis);
    b.C[1][i] = std::min(1.0, b.C[1][i] + 0.15 * crisis);
    b.X[i] = std::min(1.0, b.X[i] + 0.2 * crisis);
  }
}

// docs/model.md §3, phases 3–5 for every member of the block, in one loop.
void advance(Block& b) {
  double* e[levers];
  for (int l = 0; l < levers; ++l) e[l] = b.e[l].data();
  double *A = b.A.data(), *I = b.I.data(), *S = b.S.data(), *R = b.R.data(), *K = b.K.data(), *X = b.X.data(),
         *T = b.T.data(), *M = b.M.data(), *H = b.H.data(), *Q = b.Q.data(), *attention = b.attention.data(),
         *months_left = b.months_left.data();
  double* P[2] = {b.P[0].data(), b.P[1].data()};
  double* C[2] = {b.C[0].data(), b.C[1].data()};
  double* D[2] = {b.D[0].data(), b.D[1].data()};
  const int members = b.members;
#pragma omp simd
  for (int i = 0; i < members; ++i) {
    double old[levers];
#pragma GCC unroll 19
    for (int l = 0; l < levers; ++l) old[l] = e[l][i];
    const double a = A[i], in = I[i], st = S[i], r = R[i], con = K[i], x = X[i], t = T[i], m = M[i], h = H[i], q = Q[i],
                 att = attention[i], left = months_left[i];
    const double p[2] = {P[0][i], P[1][i]}, c[2] = {C[0][i], C[1][i]}, d[2] = {D[0][i], D[1][i]};

    const double effectiveness = t * (0.5 + 0.5 * q) * (1 - 0.5 * old[18]);
    double visible = 0, mean = 0;
#pragma GCC unroll 19
    for (int l = 0; l < levers; ++l) {
      visible += visibility[l] * old[l];
      if (!counter[l]) mean += old[l];
    }
    mean *= 1.0 / 16;
    const double V = visible * (1 + 2 * framing);
    const double pressure = (c[0] * d[0] + c[1] * d[1]) * (1 - 0.5 * r);
    const double diversification = (1 - d[0] - d[1]) / (1 - D_floor[0] - D_floor[1]);
    const double support = std::min(1.0, effectiveness * mean / 0.5);
    const double overreach = 0.5 * (old[16] + old[17]) + 0.1 * std::max(0.0, V - 3);
    const double drivers = 0.3 * diversification + 0.2 * in + 0.1 * st + 0.1 * r + 0.3 * support;
    // Routes over Russian and Chinese airspace, by sea through Tianjin, and the direct air link.
    const double access = 1 - (1 - 0.9 * (1 - 0.8 * c[1])) * (1 - 0.9 * (1 - 0.8 * c[0])) *
                                  (1 - 0.6 * (1 - 0.8 * c[0])) *
                                  (1 - 0.8 * old[9] * (1 - 0.24 * c[0]) * (1 - 0.24 * c[1]));
    const double profile = 1 - 0.5 * con;
#pragma GCC unroll 19
    for (int l = 0; l < levers; ++l) {
      const double target = setting[l] * att * (needs_access[l] ? access : 1.0) * (profiled[l] ? profile : 1.0);
      e[l][i] = clip(old[l] + (target - old[l]) * (1.0 / lag[l]));
    }
    H[i] = clip(h + 0.006 * old[education_exchange] * (1 - h) - 0.003 * h);
    Q[i] = clip(q + 0.03 * (0.7 * old[strategic_dialogue] + 0.3 * old[high_level_visits]) * (1 - q) - 0.01 * q);
    M[i] = m + (mean - m) * (1.0 / 12);
    T[i] = clip(t + 0.04 * (std::min(1.0, std::min(mean, m) / 0.5) - t) - 0.6 * std::max(0.0, m - mean) * t);
    const double now_left = std::max(0.0, left - 1);
    months_left[i] = now_left;
    attention[i] = clip((left > 0) & (now_left == 0) ? 1.0 : att);
    const double effort = effectiveness * (0.3 * old[6] + 0.3 * old[7] + 0.2 * old[8] + 0.2 * old[9]) + 0.3 * outreach;
#pragma GCC unroll 2
    for (int n = 0; n < 2; ++n) {
      const double target = sigmoid(steep[n] * (V - theta[n])) * (1 - 0.5 * balanced_diplomacy) * (1 - 0.8 * con);
      P[n][i] = clip(p[n] + (target - p[n]) * (1.0 / 3));
      C[n][i] = clip(c[n] + k[n] * (0.5 + hawkishness[n]) * p[n] * (1 - c[n]) -
                     fatigue[n] * (1 + 0.5 * st + 0.2 * old[high_level_visits]) * c[n] + grievance[n] +
                     0.03 * 0.5 * c[1 - n] + direct_pressure[n]);
      const double floor = D_floor[n] - air_floor[n] * old[9];
      D[n][i] = clip(d[n] - 0.01 * effort * (d[n] - floor) + 0.004 * inducements[n] * (D_max[n] - d[n]));
    }
    K[i] = clip(con + 0.5 * sigmoid(60 * (pressure - threshold)) * (1 - con) - 0.15 * con);
    A[i] = clip(a + 0.05 * drivers * (1 - a) - 0.3 * pressure * a - 0.05 * overreach * a - 0.01 * con * a);
    const double defense = 0.3 * old[0] + 0.2 * old[1] + 0.2 * old[2] + 0.1 * old[3] + 0.1 * old[4] + 0.1 * old[5];
    I[i] = clip(in + 0.02 * (effectiveness * defense + 0.5 * deployments * effectiveness) * (1 - in) - 0.004 * in);
    S[i] =
        clip(st + 0.02 * (0.5 * deployments + 0.2 * old[2] + 0.2 * old[15] * (1 - framing) + 0.1 * old[14]) * (1 - st) -
             0.005 * st);
    R[i] = clip(r + 0.01 * (0.5 * h + 0.3 * old[11] + 0.2 * old[15] * (1 - framing)) * (1 - r) - 0.002 * r -
                0.02 * pressure * r);
    X[i] = clip(x + 0.08 * (c[0] * p[0] + c[1] * p[1] + 0.5 * old[basing]) * (1 - x) - 0.05 * x);
  }
}

}  // namespace

void run_block(int members, std::uint64_t first_member, std::uint64_t seed, int months) {
  Block block(members);
  for (int month = 0; month < months; ++month) {
    apply_events(block, month, true, seed, first_member);
    advance(block);
  }
  // Keeps the compiler from dropping the work.
  asm volatile("" : : "r"(block.A.data()) : "memory");
}

bool check() {
  // docs/model.md §8, calibrated: month, A, C_CHN, C_RUS, D_CHN, T, K.
  constexpr double golden[4][7] = {
      {1, 0.497975529830, 0.117997623168, 0.098151380929, 0.585077143750, 0.505500000000, 0.005674004949},
      {12, 0.495367184827, 0.117999865095, 0.093661058013, 0.584390209184, 0.580897164131, 0.025117843955},
      {60, 0.527280071690, 0.135332699659, 0.103263374050, 0.567201992849, 0.807448953300, 0.048509285777},
      {120, 0.582814628773, 0.141642209286, 0.106135218248, 0.545258317340, 0.891496148600, 0.038374505603}};
  Block block(1);
  bool same = true;
  int checkpoint = 0;
  for (int month = 0; month < 120; ++month) {
    apply_events(block, month, false, 0, 0);
    advance(block);
    if (month + 1 != golden[checkpoint][0]) continue;
    const double values[6] = {block.A[0], block.C[0][0], block.C[1][0], block.D[0][0], block.T[0], block.K[0]};
    for (int column = 0; column < 6; ++column)
      if (std::abs(values[column] - golden[checkpoint][column + 1]) > 1e-9) {
        std::fprintf(stderr, "reference loop: month %d, value %d: %.12f, golden %.12f\n", month + 1, column,
                     values[column], golden[checkpoint][column + 1]);
        same = false;
      }
    ++checkpoint;
  }
  return same;
}

}  // namespace steppe::reference
