#include "engine/sweep_runner.hpp"

#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
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

// Runs the chunks on this machine's threads and commits each, in chunk order, from this thread
// while the others go on computing: the database's writes and commits (a quarter of a sweep's
// work) overlap the runs instead of stopping them. Chunks are handed out in order, and no more
// than a window of them runs ahead of the last commit: at most 16 MB of outcomes (`outcomes` to
// a run) and at least four chunks a thread, so memory never holds the sweep's, and the threads
// run on while a new database is made (a tenth of a second of runs, DatabaseBeingMade). False
// when cancelled.
bool run_chunks_here(const std::vector<SweepChunk>& chunks, const SweepRunOptions& options, const ChunkRunner& run_here,
                     const ChunkCommit& commit, std::size_t outcomes) {
  const int threads = pool_threads(options.threads);
  std::size_t chunk_bytes = 1;
  for (const SweepChunk& chunk : chunks)
    chunk_bytes = std::max(chunk_bytes, static_cast<std::size_t>(chunk.count) * outcomes * sizeof(double));
  const std::size_t window = std::max(static_cast<std::size_t>(threads) * 4, uncommitted_outcome_bytes / chunk_bytes);
  const auto cancelled = [&] { return options.cancel && options.cancel->load(); };

  std::mutex mutex;
  std::condition_variable changed;
  std::vector<std::optional<MemberArrays>> finished(chunks.size());
  std::size_t committed = 0;  // chunks committed (all before this index)
  bool stop = false;          // cancelled, failed, or done
  std::exception_ptr failure;
  std::atomic<std::size_t> next{0};

  // Makes every thread stop taking chunks: on cancellation, a failure, or the end.
  const auto stop_all = [&] {
    const std::lock_guard lock(mutex);
    stop = true;
    changed.notify_all();
  };
  // One loop per thread: take the next chunk once the window allows, run it, hand it over.
  const auto work = [&] {
    try {
      for (std::size_t index; (index = next++) < chunks.size();) {
        {
          std::unique_lock lock(mutex);
          changed.wait(lock, [&] { return stop || index < committed + window; });
          if (stop) return;
        }
        if (cancelled()) return stop_all();
        MemberArrays outcomes = run_here(chunks[index]);
        const std::lock_guard lock(mutex);
        finished[index] = std::move(outcomes);
        changed.notify_all();
      }
    } catch (...) {
      {
        const std::lock_guard lock(mutex);
        if (!failure) failure = std::current_exception();
      }
      stop_all();
    }
  };
  std::thread computing([&] {
    tbb::task_arena arena(threads);
    arena.execute([&] { tbb::parallel_for(0, threads, [&](int) { work(); }); });
  });

  try {
    while (committed < chunks.size()) {
      MemberArrays outcomes;
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return finished[committed].has_value() || stop; });
        // Stopped (cancelled, or a run failed): the chunks that wait for their commit are left for
        // --resume, so that a stop takes effect at once however far the threads have run ahead.
        if (stop || cancelled() || !finished[committed]) break;
        outcomes = std::move(*finished[committed]);
        finished[committed].reset();
      }
      commit(chunks[committed], outcomes);
      const std::lock_guard lock(mutex);
      ++committed;
      changed.notify_all();
    }
  } catch (...) {
    stop_all();
    computing.join();
    throw;
  }
  stop_all();
  computing.join();
  if (failure) std::rethrow_exception(failure);
  return committed == chunks.size();
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
  const std::shared_ptr<const Kernel> kernel = sweep.scenario->model->compile(
      *sweep.scenario->layout, sweep.scenario->parameters, sweep.scenario->network.get());
  const ChunkRunner run_here = [&](const SweepChunk& chunk) {
    return run_sweep_block(sweep, points, kernel, chunk.first, chunk.count);
  };
  report.cancelled = options.executor
                         ? !options.executor(chunks, run_here, commit, sink)
                         : !run_chunks_here(chunks, options, run_here, commit, sweep.scenario->outcomes.size());
  return report;
}

}  // namespace steppe
