// The sweep-design registry and the runner's sink (engine/sweep_design.hpp,
// engine/sweep_runner.hpp): a design registered from this file is loaded, checked and run with
// no other edit; every registered design keeps its declaration's promises; the Sobol sequence's
// points are balanced; and a sweep runs into a sink held in memory, with no database at all.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <map>
#include <set>

#include "engine/io/sweep_loader.hpp"
#include "engine/sweep_design.hpp"
#include "engine/sweep_runner.hpp"
#include "support.hpp"

using namespace steppe;
using namespace steppe::testing;

namespace {

// A design that exists only in this test: `samples` points along the cube's main diagonal. That
// it loads, is checked and runs shows that a new design is one file.
class Diagonal final : public SweepDesign {
 public:
  const DesignDeclaration& declaration() const override {
    static const DesignDeclaration declaration{"diagonal",
                                               "points along the main diagonal (a test design)",
                                               {"samples"},
                                               {Block::point},
                                               DesignAnalysis::given_data};
    return declaration;
  }
  void read(const DesignKeys& keys, SweepSettings& settings) const override {
    settings.samples = static_cast<int>(keys.whole_number("samples", 1, 1000));
  }
  std::uint64_t point_count(const SweepSettings& settings, const std::vector<Uncertainty>&) const override {
    return std::uint64_t(settings.samples);
  }
  std::vector<DesignPoint> points(const SweepSettings& settings, const std::vector<Uncertainty>& factors,
                                  std::uint64_t) const override {
    std::vector<DesignPoint> points;
    for (int j = 0; j < settings.samples; ++j)
      points.push_back(
          {Block::point, -1, -1, 0, -1, std::vector<double>(factors.size(), (j + 0.5) / settings.samples)});
    return points;
  }
};

const SweepDesignRegistration<Diagonal> diagonal_registration;

// Outcomes kept in memory, by run id: what a sink needs to be, with no SQLite anywhere.
class MemorySink final : public SweepSink {
 public:
  std::vector<bool> completed(std::int64_t runs) const override {
    std::vector<bool> done(static_cast<std::size_t>(runs), false);
    for (const auto& [run, outcomes] : committed) done[static_cast<std::size_t>(run)] = true;
    return done;
  }
  void write(std::int64_t first, const MemberArrays& outcomes) override {
    for (Eigen::Index row = 0; row < outcomes.rows(); ++row)
      for (Eigen::Index column = 0; column < outcomes.cols(); ++column)
        pending[first + row].push_back(outcomes(row, column));
  }
  void commit() override {
    committed.merge(pending);
    ++commits;
  }

  std::map<std::int64_t, std::vector<double>> pending, committed;
  int commits = 0;
};

// The Ishigami example with another `sweep:` section.
Sweep ishigami_sweep(const std::string& name, const std::string& sweep_section) {
  const auto folder = fresh_folder("sweep-design-" + name);
  std::ofstream(folder / "sweep.yaml") << "extends: " << source_path("examples/sweeps/ishigami.yaml").string()
                                       << "\nsweep: " << sweep_section << "\n";
  Sweep sweep = load_sweep(folder / "sweep.yaml");
  sweep.database = folder / "sweep.sqlite";
  return sweep;
}

// Each of the n strata [l/n, (l+1)/n) of factor i holds exactly one point.
bool one_point_per_stratum(const std::vector<DesignPoint>& points, std::size_t i) {
  const auto n = static_cast<int>(points.size());
  std::set<int> strata;
  for (const DesignPoint& point : points) strata.insert(static_cast<int>(std::floor(point.unit[i] * n)));
  return static_cast<int>(strata.size()) == n;
}

std::vector<Uncertainty> uniform_factors(std::size_t count) {
  std::vector<Uncertainty> factors(count);
  for (std::size_t i = 0; i < count; ++i) factors[i].name = "x" + std::to_string(i + 1);
  return factors;
}

}  // namespace

TEST_CASE("sweep designs: a design registered from its own file is loaded, checked and run", "[design][registry]") {
  REQUIRE(SweepDesignRegistry::instance().find("diagonal") != nullptr);
  const Sweep sweep = ishigami_sweep("diagonal", "{design: diagonal, samples: 4, replicates: 2}");
  CHECK(sweep.settings.design->name() == "diagonal");
  CHECK(sweep.point_count() == 4);
  const std::vector<DesignPoint> points = sweep.points();
  REQUIRE(points.size() == 4);
  CHECK(points[1].unit == std::vector<double>{0.375, 0.375, 0.375});

  MemorySink sink;
  const SweepReport report = run_sweep(sweep, points, sink, {});
  CHECK(report.runs == 8);
  CHECK(sink.committed.size() == 8);

  // Its keys are checked at their place like any design's.
  CHECK_THROWS_WITH(ishigami_sweep("diagonal-bad", "{design: diagonal, samples: 4, levels: 3}"),
                    Catch::Contains("'levels' does not apply to a diagonal design (it takes samples)"));
  CHECK_THROWS_WITH(ishigami_sweep("diagonal-range", "{design: diagonal, samples: 4000}"),
                    Catch::Contains("sweep.samples: value 4000 is outside [1, 1000]"));
}

TEST_CASE("sweep designs: every registered design keeps its declaration's promises", "[design][registry]") {
  const std::vector<Uncertainty> factors = uniform_factors(3);
  SweepSettings settings;
  settings.samples = 16;  // a power of two, for the designs that need one
  settings.levels = 4;    // even, for Morris
  settings.trajectories = 5;
  for (const SweepDesign* design : SweepDesignRegistry::instance().designs()) {
    const DesignDeclaration& declaration = design->declaration();
    INFO(declaration.name);
    CHECK_FALSE(declaration.help.empty());
    CHECK_FALSE(declaration.roles.empty());
    settings.design = design;
    const std::vector<DesignPoint> points = design->points(settings, factors, 3);
    CHECK(points.size() == design->point_count(settings, factors));
    for (const DesignPoint& point : points) {
      CHECK(std::find(declaration.roles.begin(), declaration.roles.end(), point.block) != declaration.roles.end());
      REQUIRE(point.unit.size() == factors.size());
      CHECK(std::all_of(point.unit.begin(), point.unit.end(), [](double u) { return u >= 0 && u <= 1; }));
    }
    CHECK(design->points(settings, factors, 3)[1].unit == points[1].unit);  // a pure function of the seed
  }
}

TEST_CASE("sweep designs: the Sobol sequence is balanced, in the unit cube and follows the seed", "[design]") {
  const SweepDesign* design = SweepDesignRegistry::instance().find("sobol_sequence");
  REQUIRE(design != nullptr);
  CHECK(design->independent_points());
  CHECK(design->declaration().analysis == DesignAnalysis::given_data);
  SweepSettings settings;
  settings.samples = 64;
  const std::vector<Uncertainty> factors = uniform_factors(5);
  const std::vector<DesignPoint> points = design->points(settings, factors, 11);
  REQUIRE(points.size() == 64);
  for (std::size_t i = 0; i < factors.size(); ++i) {
    CHECK(one_point_per_stratum(points, i));
    for (const DesignPoint& point : points) CHECK((point.unit[i] > 0 && point.unit[i] < 1));
  }
  // Pairs of factors are balanced too: each of the 8 × 8 cells of a projection holds one point.
  std::set<std::pair<int, int>> cells;
  for (const DesignPoint& point : points)
    cells.insert({static_cast<int>(point.unit[0] * 8), static_cast<int>(point.unit[1] * 8)});
  CHECK(cells.size() == 64);
  CHECK(design->points(settings, factors, 11)[17].unit == points[17].unit);
  CHECK(design->points(settings, factors, 12)[17].unit != points[17].unit);

  // Through a sweep file: a power of two of samples, or an error naming the nearest.
  const Sweep sweep = ishigami_sweep("sobol-sequence", "{design: sobol_sequence, samples: 256}");
  CHECK(sweep.points().size() == 256);
  CHECK_THROWS_WITH(ishigami_sweep("sobol-sequence-bad", "{design: sobol_sequence, samples: 1000}"),
                    Catch::Contains("sweep.samples: a sobol_sequence design needs a power of two of samples; the "
                                    "nearest to 1000 is 1024"));
}

TEST_CASE("sweep runner: a sweep runs into an in-memory sink, resumed and sharded as into a database",
          "[sweep][sink]") {
  const Sweep sweep = ishigami_sweep("memory", "{design: sobol_sequence, samples: 64, replicates: 3}");
  const std::vector<DesignPoint> points = sweep.points();
  SweepRunOptions options;
  options.threads = 2;
  options.block_size = 10;
  MemorySink whole;
  const SweepReport report = run_sweep(sweep, points, whole, options);
  CHECK(report.runs == 192);
  CHECK(report.ran == 192);
  REQUIRE(whole.committed.size() == 192);
  CHECK(whole.pending.empty());
  CHECK(whole.commits > 1);  // a commit per block: a kill loses only the blocks in flight
  // The Ishigami function at run 5's point (replicates of a deterministic model agree).
  const DesignPoint& point = points[5 / 3];
  const auto x = [&](std::size_t i) { return sweep.factor_value(i, point.unit[i]); };
  const double y = std::sin(x(0)) + 7 * std::pow(std::sin(x(1)), 2) + 0.1 * std::pow(x(2), 4) * std::sin(x(0));
  CHECK(whole.committed[5][0] == Approx(y).epsilon(1e-9).margin(1e-9));
  CHECK(whole.committed[5] == whole.committed[4]);

  // Shards and a resumed sink end with the same outcomes, run for run.
  MemorySink pieces;
  for (int shard = 1; shard <= 3; ++shard) {
    SweepRunOptions slice = options;
    slice.shard = shard;
    slice.shards = 3;
    run_sweep(sweep, points, pieces, slice);
  }
  CHECK(pieces.committed == whole.committed);

  MemorySink resumed;
  std::atomic<bool> cancel{false};
  SweepRunOptions interrupted = options;
  interrupted.threads = 1;
  interrupted.cancel = &cancel;
  interrupted.progress = [&](std::int64_t, std::int64_t) { cancel = true; };
  const SweepReport first = run_sweep(sweep, points, resumed, interrupted);
  CHECK(first.cancelled);
  CHECK(first.ran < first.runs);
  const SweepReport second = run_sweep(sweep, points, resumed, options);
  CHECK(second.already_done == first.ran);
  CHECK(resumed.committed == whole.committed);
}

TEST_CASE("sweep policies: each policy's scenario is the sweep's with its levers held, as --set holds them",
          "[sweep][policies]") {
  const auto file = source_path("examples/sweeps/policies.yaml");
  const Sweep sweep = load_sweep(file);
  REQUIRE(sweep.policies.size() == 3);
  for (const Policy& policy : sweep.policies) {
    INFO(policy.name);
    LoadOptions held;
    for (const auto& [lever, value] : policy.levers) held.overrides.push_back({lever, fmt::format("{}", value)});
    const auto expected = load_scenario(file, held);  // the file read again with --set
    const auto& levers = policy.scenario->levers;
    REQUIRE(levers.size() == expected->levers.size());
    for (std::size_t lever = 0; lever < levers.size(); ++lever)
      for (int month : {0, 1, 60, 119})
        CHECK(levers[lever].value_at(month, -1) == expected->levers[lever].value_at(month, -1));
    CHECK(policy.scenario->parameters == expected->parameters);
    CHECK(policy.scenario->uncertainties.size() == expected->uncertainties.size());
  }
  std::set<std::string> hashes;
  for (const Policy& policy : sweep.policies) hashes.insert(policy.scenario->content_hash);
  CHECK(hashes.size() == sweep.policies.size());
}
