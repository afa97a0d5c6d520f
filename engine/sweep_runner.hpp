// Running a sweep (docs/sweeps.md): design points × replicates in blocks on a thread pool, or
// handed to an executor (MPI ranks), each block's outcomes written to a SweepSink and committed
// as soon as it finishes, so that a sweep killed at any moment (kill -9 included) loses at most
// the blocks in flight, and a run again over the same sink does only the runs it lacks. The
// runner knows no storage: the SQLite database is one sink (engine/io/sweep_database.hpp).
//
// Results never depend on the thread count, block size, shard or executor: a run's numbers depend
// only on the sweep and its run id (engine/sweep.hpp).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include "engine/sweep.hpp"

namespace steppe {

// A contiguous range of runs stepped as one block.
struct SweepChunk {
  std::int64_t first, count;
};

// Where a sweep's outcomes go. The runner calls it from the thread that called run_sweep only.
class SweepSink {
 public:
  virtual ~SweepSink() = default;
  // Which of the sweep's `runs` runs the sink holds already: one flag per run id.
  virtual std::vector<bool> completed(std::int64_t runs) const = 0;
  // Takes the outcomes of runs [first, first + outcomes.rows()) (one row per run, one column per
  // scenario outcome, NaN when undefined).
  virtual void write(std::int64_t first, const MemberArrays& outcomes) = 0;
  // Makes everything written so far durable: a kill after it returns loses none of it.
  virtual void commit() = 0;
  // False while a write would wait (the sink is still being made): an executor holds its results
  // meanwhile and goes on handing out work.
  virtual bool ready() const { return true; }
};

// The most outcomes, in bytes, held waiting for their commit: enough for the runs of the tenth of
// a second a new database takes to make, never the whole sweep's.
constexpr std::size_t uncommitted_outcome_bytes = std::size_t{16} << 20;

// Records a chunk's outcomes (chunk.count × outcomes) in the sink; called from the thread that
// called run_sweep.
using ChunkCommit = std::function<void(const SweepChunk& chunk, const MemberArrays& outcomes)>;
// Runs a chunk on the calling thread, any thread, and returns its outcomes (chunk.count × outcomes).
using ChunkRunner = std::function<MemberArrays(const SweepChunk& chunk)>;
// Runs the chunks somewhere, here with `run_here` or elsewhere, and commits each as it comes back,
// in any order (the MPI driver hands them to worker ranks and runs some itself), once `sink` is
// ready (SweepSink::ready). Returns false when it stopped before running them all (cancelled).
using ChunkExecutor = std::function<bool(const std::vector<SweepChunk>& chunks, const ChunkRunner& run_here,
                                         const ChunkCommit& commit, const SweepSink& sink)>;

struct SweepReport;

struct SweepRunOptions {
  int threads = 0;  // 0: every core
  // Runs stepped together, as cache_friendly_block_size() adjusts it; results do not depend on it.
  std::int64_t block_size = 1024;
  // --shard K/N for job arrays: run only the K-th of N equal slices of the run ids (K from 1).
  int shard = 0, shards = 0;
  std::function<void(std::int64_t done, std::int64_t total)> progress;
  // Called once the sink's runs are known, before any run, with what was found in it.
  std::function<void(const SweepReport& found)> ready;
  const std::atomic<bool>* cancel = nullptr;  // stop after the blocks in flight
  ChunkExecutor executor;                     // none: this machine's threads
};

struct SweepReport {
  std::int64_t points = 0, runs = 0;  // runs: of the whole sweep
  std::int64_t first = 0, last = 0;   // the runs this process is for: [first, last)
  std::int64_t already_done = 0;      // found in the sink
  std::int64_t ran = 0;               // run and committed now
  bool cancelled = false;
  // The sink was made by this run (a --resume that found no database started the sweep): told by
  // whoever made the sink (engine/io/sweep_runner.hpp), not by the runner.
  bool created = false;
};

// Runs those of the sweep's runs within the shard that `sink` lacks into `sink`; `points` are
// sweep.points(), made once by the caller (a database sink stores them too).
SweepReport run_sweep(const Sweep& sweep, const std::vector<DesignPoint>& points, SweepSink& sink,
                      const SweepRunOptions& options);

// The runs still to do (`done` per run id), as ranges that never cross a multiple of
// `block_size` or of `policy_runs` (a block runs one policy).
std::vector<SweepChunk> pending_chunks(const std::vector<bool>& done, std::int64_t block_size,
                                       std::int64_t policy_runs);

// The run ids [first, last) of shard K of N (K from 1) of a sweep of `runs` runs.
std::pair<std::int64_t, std::int64_t> shard_runs(std::int64_t runs, int shard, int shards);

}  // namespace steppe
