#include "engine/sweep_runner.hpp"

#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <tuple>
#include <vector>

#include "engine/simulation.hpp"
#include "engine/threads.hpp"

namespace steppe {

std::vector<SweepChunk> pending_chunks(const std::vector<bool>& done, std::int64_t block_size,
                                       std::int64_t policy_runs) {
  std::vector<SweepChunk> chunks;
  const auto total = static_cast<std::int64_t>(done.size());
  for (std::int64_t run = 0; run < total;) {
    if (done[static_cast<std::size_t>(run)]) {
      ++run;
      continue;
    }
    const std::int64_t block_end =
        std::min({total, (run / block_size + 1) * block_size, (run / policy_runs + 1) * policy_runs});
    std::int64_t end = run;
    while (end < block_end && !done[static_cast<std::size_t>(end)]) ++end;
    chunks.push_back({run, end - run});
    run = end;
  }
  return chunks;
}

std::pair<std::int64_t, std::int64_t> shard_runs(std::int64_t runs, int shard, int shards) {
  if (shards <= 0) return {0, runs};
  const auto k = static_cast<std::int64_t>(shard - 1), n = static_cast<std::int64_t>(shards);
  return {runs * k / n, runs * (k + 1) / n};
}

namespace {

// Runs the chunks on this machine's threads, a wave at a time, and commits each wave in run
// order from this thread: memory holds one wave's outcomes, never the sweep's. False when
// cancelled.
bool run_chunks_here(const Sweep& sweep, const std::vector<DesignPoint>& points, const std::vector<SweepChunk>& chunks,
                     const SweepRunOptions& options, const ChunkCommit& commit) {
  const std::shared_ptr<const Kernel> kernel = sweep.scenario->model->compile(
      *sweep.scenario->layout, sweep.scenario->parameters, sweep.scenario->network.get());
  const int threads = pool_threads(options.threads);
  tbb::task_arena arena(threads);
  const std::size_t wave = static_cast<std::size_t>(threads) * 4;
  for (std::size_t start = 0; start < chunks.size(); start += wave) {
    if (options.cancel && options.cancel->load()) return false;
    const std::size_t end = std::min(chunks.size(), start + wave);
    std::vector<MemberArrays> outcomes(end - start);
    arena.execute([&] {
      tbb::parallel_for(start, end, [&](std::size_t index) {
        const SweepChunk& chunk = chunks[index];
        outcomes[index - start] = run_sweep_block(sweep, points, kernel, chunk.first, chunk.count);
      });
    });
    for (std::size_t index = start; index < end; ++index) commit(chunks[index], outcomes[index - start]);
  }
  return true;
}

}  // namespace

SweepReport run_sweep(const Sweep& sweep, const std::vector<DesignPoint>& points, SweepSink& sink,
                      const SweepRunOptions& options) {
  SweepReport report;
  report.points = static_cast<std::int64_t>(points.size());
  report.runs = sweep.run_count(points.size());

  std::tie(report.first, report.last) = shard_runs(report.runs, options.shard, options.shards);
  std::vector<bool> done = sink.completed(report.runs);
  report.already_done = std::count(done.begin() + report.first, done.begin() + report.last, true);
  // Runs of other shards are not this process's to do.
  std::fill(done.begin(), done.begin() + report.first, true);
  std::fill(done.begin() + report.last, done.end(), true);
  const std::vector<SweepChunk> chunks =
      pending_chunks(done, cache_friendly_block_size(std::max<std::int64_t>(1, options.block_size)),
                     sweep.run_count(sweep.scenario_point_count()));

  if (options.ready) options.ready(report);

  std::int64_t finished = report.already_done;
  // Each chunk is committed on its own, so that a kill loses only the chunks not yet committed.
  const ChunkCommit commit = [&](const SweepChunk& chunk, const MemberArrays& outcomes) {
    sink.write(chunk.first, outcomes);
    sink.commit();
    report.ran += chunk.count;
    finished += chunk.count;
    if (options.progress) options.progress(finished, report.runs);
  };
  if (options.executor) {
    const std::shared_ptr<const Kernel> kernel = sweep.scenario->model->compile(
        *sweep.scenario->layout, sweep.scenario->parameters, sweep.scenario->network.get());
    const ChunkRunner run_here = [&](const SweepChunk& chunk) {
      return run_sweep_block(sweep, points, kernel, chunk.first, chunk.count);
    };
    report.cancelled = !options.executor(chunks, run_here, commit);
  } else {
    report.cancelled = !run_chunks_here(sweep, points, chunks, options, commit);
  }
  return report;
}

}  // namespace steppe
