// steppe_bench: how fast the step loop runs, measured, never asserted (DESIGN.md §4).
//
// Six measurements (docs/performance.md):
// - what_if: one deterministic 120-month run of the baseline, in process;
// - step_loop: the calibrated scenario stepped for 120 months in blocks, stochastic, with no
//   observer (the kernel, lever schedules and random draws), in blocks of 64 and 1008 members,
//   on one thread and on every core;
// - reference_loop: the same work as the step loop in blocks of 64, by a hand-fused loop written
//   for the flagship's shape only (reference_loop.cpp): the yardstick for the step loop;
// - ensemble: the calibrated scenario for 120 months at 1, 100, 10,000, 100,000 and 1,000,000
//   members on one thread and on every core, through the same runner as `steppe run --members N`
//   (bands of every variable, exact means and per-member outcomes included).
// - sweep: the flagship Sobol sweep (examples/sweeps/flagship_sobol.yaml, 573,440 runs of 120
//   months) into a fresh SQLite database, on one thread and on every core, as `steppe sweep` runs
//   it: per-run parameters from the design, outcomes only, the database made and every block
//   written and committed (a run is a member-step per month);
// - lookahead: 10,000 members of the calibrated scenario with China deciding by lookahead
//   (examples/controllers/china_lookahead.yaml), the steps taken looking ahead counted.
// Each reports member-steps (and actor-steps) per second and the process's peak memory. Usage:
//   build/release/tools/steppe_bench [--benchmark_filter=...] [--scenario FILE]
//   build/release/tools/steppe_bench --check-reference   (exit 0 when the reference loop
//                                                         reproduces the golden checkpoints)
#include <benchmark/benchmark.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>
#include <sys/resource.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>

#include "engine/controllers.hpp"
#include "engine/ensemble.hpp"
#include "engine/heap.hpp"
#include "engine/io/results.hpp"
#include "engine/io/scenario_loader.hpp"
#include "engine/io/sweep_loader.hpp"
#include "engine/io/sweep_runner.hpp"
#include "engine/simulation.hpp"
#include "tools/bench/reference_loop.hpp"

namespace {

std::string scenario_file = std::string(STEPPE_SOURCE_DIR) + "/scenarios/calibrated.yaml";

double peak_memory_megabytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in kilobytes on Linux
}

void ensemble(benchmark::State& state) {
  steppe::LoadOptions load;
  load.stochastic = true;
  const auto scenario = steppe::load_scenario(scenario_file, load);
  steppe::EnsembleOptions options;
  options.members = state.range(0);
  options.threads = static_cast<int>(state.range(1));
  for (auto _ : state) benchmark::DoNotOptimize(steppe::run_ensemble(scenario, options));
  const double steps = static_cast<double>(options.members) * scenario->months;
  state.counters["member_steps/s"] = benchmark::Counter(steps, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["actor_steps/s"] = benchmark::Counter(steps * static_cast<double>(scenario->layout->actors().size()),
                                                       benchmark::Counter::kIsIterationInvariantRate);
  state.counters["peak_MB"] = peak_memory_megabytes();
}

// One deterministic 120-month what-if of the baseline scenario, as `steppe run` does it in
// process (trajectory and outcomes kept, no files).
void what_if(benchmark::State& state) {
  const auto scenario = steppe::load_scenario(std::string(STEPPE_SOURCE_DIR) + "/scenarios/baseline.yaml");
  for (auto _ : state) benchmark::DoNotOptimize(steppe::run_what_if(scenario));
}

BENCHMARK(what_if)->Unit(benchmark::kMicrosecond);

// The step loop alone: blocks of members stepped to the horizon with no observer, on one thread
// and on every core (blocks spread as the ensemble runner spreads them). What the kernel, the
// lever schedules and the random draws cost, without the reductions.
void step_loop(benchmark::State& state) {
  steppe::LoadOptions load;
  load.stochastic = true;
  const auto scenario = steppe::load_scenario(scenario_file, load);
  const std::shared_ptr<const steppe::Kernel> kernel =
      scenario->model->compile(*scenario->layout, scenario->parameters, scenario->network.get());
  const std::int64_t members = state.range(0), block = state.range(1);
  const std::int64_t blocks = (members + block - 1) / block;
  tbb::task_arena arena(static_cast<int>(state.range(2)));
  for (auto _ : state)
    arena.execute([&] {
      tbb::parallel_for(std::int64_t{0}, blocks, [&](std::int64_t index) {
        const std::int64_t first = index * block;
        steppe::Simulation simulation(scenario, {std::min(block, members - first), first}, kernel);
        simulation.run();
        benchmark::DoNotOptimize(simulation.state().data());
      });
    });
  const double steps = static_cast<double>(members) * scenario->months;
  state.counters["member_steps/s"] = benchmark::Counter(steps, benchmark::Counter::kIsIterationInvariantRate);
}

// Blocks of 64 members keep a block's whole state in the first cache level for all its months;
// 1008 is the runners' default, which the band histograms of an ensemble need
// (docs/performance.md has how the two compare).
BENCHMARK(step_loop)
    ->ArgsProduct({{100'000}, {64, 1008}, {1, static_cast<long>(std::thread::hardware_concurrency())}})
    ->ArgNames({"members", "block", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The reference loop on the step loop's work: the calibrated scenario, stochastic, 120 months,
// 100,000 members in blocks of 64, one thread.
void reference_loop(benchmark::State& state) {
  const std::int64_t members = state.range(0), block = state.range(1);
  constexpr int months = 120;
  for (auto _ : state)
    for (std::int64_t first = 0; first < members; first += block)
      steppe::reference::run_block(static_cast<int>(std::min(block, members - first)),
                                   static_cast<std::uint64_t>(first), 1, months);
  state.counters["member_steps/s"] =
      benchmark::Counter(static_cast<double>(members) * months, benchmark::Counter::kIsIterationInvariantRate);
}

BENCHMARK(reference_loop)
    ->Args({100'000, 64})
    ->ArgNames({"members", "block"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void arguments(benchmark::internal::Benchmark* benchmark) {
  const int cores = static_cast<int>(std::thread::hardware_concurrency());
  for (long members : {1L, 100L, 10'000L, 100'000L, 1'000'000L})
    for (int threads : {1, cores}) benchmark->Args({members, threads});
  benchmark->ArgNames({"members", "threads"})->Unit(benchmark::kMillisecond)->UseRealTime();
}

BENCHMARK(ensemble)->Apply(arguments);

// The flagship sweep into a new database each time (the old one removed before the clock runs).
void sweep(benchmark::State& state) {
  steppe::LoadOptions load;
  load.stochastic = true;
  steppe::Sweep sweep =
      steppe::load_sweep(std::string(STEPPE_SOURCE_DIR) + "/examples/sweeps/flagship_sobol.yaml", load);
  const std::filesystem::path folder = std::filesystem::temp_directory_path() / "steppe_bench_sweep";
  std::filesystem::create_directories(folder);
  steppe::DatabaseSweepOptions options;
  options.threads = static_cast<int>(state.range(0));
  std::int64_t runs = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::filesystem::remove_all(folder);
    std::filesystem::create_directories(folder);
    sweep.database = folder / "sweep.sqlite";
    state.ResumeTiming();
    runs = steppe::run_sweep(sweep, options).ran;
  }
  std::filesystem::remove_all(folder);
  const double steps = static_cast<double>(runs) * sweep.scenario->months;
  state.counters["member_steps/s"] = benchmark::Counter(steps, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["peak_MB"] = peak_memory_megabytes();
}

BENCHMARK(sweep)
    ->Iterations(1)
    ->Arg(1)
    ->Arg(static_cast<long>(std::thread::hardware_concurrency()))
    ->ArgNames({"threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The calibrated scenario with China under a lookahead controller
// (examples/controllers/china_lookahead.yaml: 8 candidates and the status quo, 12 months ahead,
// a decision every 3 months), 10,000 members for 120 months. Member-steps count the steps taken
// looking ahead as well as the run's own.
void lookahead(benchmark::State& state) {
  steppe::LoadOptions load;
  load.stochastic = true;
  const auto scenario =
      steppe::load_scenario(std::string(STEPPE_SOURCE_DIR) + "/examples/controllers/china_lookahead.yaml", load);
  const auto& controller = dynamic_cast<const steppe::LookaheadController&>(*scenario->lever_policies.at(0));
  steppe::EnsembleOptions options;
  options.members = state.range(0);
  options.threads = static_cast<int>(state.range(1));
  for (auto _ : state) benchmark::DoNotOptimize(steppe::run_ensemble(scenario, options));
  const int interval = controller.spec().interval, decisions = (scenario->months + interval - 1) / interval;
  const double looked_ahead =
      static_cast<double>(decisions) * static_cast<double>(controller.candidates().size() + 1) * controller.horizon();
  const double steps = static_cast<double>(options.members) * (scenario->months + looked_ahead);
  state.counters["member_steps/s"] = benchmark::Counter(steps, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["peak_MB"] = peak_memory_megabytes();
}

BENCHMARK(lookahead)
    ->Args({10'000, 1})
    ->Args({10'000, static_cast<long>(std::thread::hardware_concurrency())})
    ->ArgNames({"members", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  steppe::keep_block_arrays_in_heap();  // as steppe does
  // Our two options, taken out before Google Benchmark sees the rest.
  if (argc == 2 && std::strcmp(argv[1], "--check-reference") == 0) return steppe::reference::check() ? 0 : 1;
  for (int index = 1; index + 1 < argc; ++index)
    if (std::strcmp(argv[index], "--scenario") == 0) {
      scenario_file = argv[index + 1];
      for (int rest = index; rest + 2 < argc; ++rest) argv[rest] = argv[rest + 2];
      argc -= 2;
      break;
    }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
