// Running a sweep into its database: design points × replicates in blocks on a thread pool,
// each block's outcomes committed as soon as it finishes, so that a sweep killed at any moment
// (kill -9 included) loses at most the blocks in flight and `--resume` finishes it into exactly
// the database an uninterrupted run would have written.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "engine/sweep.hpp"

namespace steppe {

// A contiguous range of runs stepped as one block.
struct SweepChunk {
  std::int64_t first, count;
};

// Records a chunk's outcomes (chunk.count × outcomes) in the database; called from the thread
// that called run_sweep.
using ChunkCommit = std::function<void(const SweepChunk& chunk, const MemberArrays& outcomes)>;
// Runs the chunks somewhere and commits each as it comes back, in any order (the MPI driver
// hands them to worker ranks).
using ChunkExecutor = std::function<void(const std::vector<SweepChunk>& chunks, const ChunkCommit& commit)>;

struct SweepReport;

struct SweepRunOptions {
  int threads = 0;      // 0: every core
  bool resume = false;  // finish the sweep in its database (started when it holds no runs)
  // Runs stepped together, as cache_friendly_block_size() adjusts it; results do not depend on it.
  std::int64_t block_size = 1024;
  // --shard K/N for job arrays: run only the K-th of N equal slices of the run ids (K from 1),
  // into a database of its own that `steppe merge` combines with the others.
  int shard = 0, shards = 0;
  std::string version, command;  // recorded in the database
  // steppe sweep FILE and the options that change the sweep: recorded, for the command that
  // finishes the sweep (finish_command in sweep_database.hpp).
  std::string resume_command;
  std::function<void(std::int64_t done, std::int64_t total)> progress;
  // Called once the database is ready, before any run, with what was found in it.
  std::function<void(const SweepReport& found)> ready;
  const std::atomic<bool>* cancel = nullptr;  // stop after the blocks in flight
  ChunkExecutor executor;                     // none: this machine's threads
};

struct SweepReport {
  std::int64_t points = 0, runs = 0;  // runs: of the whole sweep
  std::int64_t first = 0, last = 0;   // the runs this process is for: [first, last)
  std::int64_t already_done = 0;      // found in the database when resuming
  std::int64_t ran = 0;               // run and committed now
  bool cancelled = false;
  bool created = false;  // the database was made now (with resume: none was there)
};

SweepReport run_sweep(const Sweep& sweep, const SweepRunOptions& options);

// The runs still to do (`done` per run id), as ranges that never cross a multiple of
// `block_size` or of `policy_runs` (a block runs one policy).
std::vector<SweepChunk> pending_chunks(const std::vector<bool>& done, std::int64_t block_size,
                                       std::int64_t policy_runs);

// The run ids [first, last) of shard K of N (K from 1) of a sweep of `runs` runs.
std::pair<std::int64_t, std::int64_t> shard_runs(std::int64_t runs, int shard, int shards);

}  // namespace steppe
