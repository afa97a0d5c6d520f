// The sweep use cases (docs/sweeps.md): run a sweep into its SQLite database (whole, a shard, or
// resumed), merge shards, export the tables as CSV. Like every use case they return results and
// print nothing; how runs are spread (threads here, MPI ranks in the face) is the caller's
// executor.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "app/output_writers.hpp"
#include "engine/io/sweep_loader.hpp"
#include "engine/io/sweep_runner.hpp"

namespace steppe::app {

struct SweepRequest {
  std::string file;              // the sweep file
  LoadOptions load;              // applied to its scenario
  std::string database;          // "": the sweep file's own (a shard's: NAME.shard-K-of-N.sqlite)
  bool resume = false;           // finish the sweep in its database
  int shard = 0, shards = 0;     // run only slice K of N (K from 1); 0: the whole sweep
  int threads = 0;               // 0: every core
  std::string version, command;  // recorded in the database
  // The command that repeats this sweep (the file and every option that changes it), recorded
  // for the command that finishes an interrupted one.
  std::string resume_command;
};

struct PreparedSweep {
  Sweep sweep;  // its database named for the request (shard, --db)
  DatabaseSweepOptions options;
  std::string finish_command;  // what finishes this sweep if it stops
};

// Loads the sweep file (InputError when it is bad) and names the database.
PreparedSweep prepare_sweep(const SweepRequest& request);
// The same for a sweep already loaded (every MPI rank loads it first).
PreparedSweep prepare_sweep(Sweep sweep, const SweepRequest& request);

struct SweepControl {
  std::function<void(std::int64_t done, std::int64_t total)> progress;
  std::function<void(const SweepReport& found)> ready;  // once the database's runs are known
  const std::atomic<bool>* cancel = nullptr;
  ChunkExecutor executor;  // none: this machine's threads
};

// Runs the sweep. A failure of the disk keeps what was committed and throws std::runtime_error
// that says how to finish the sweep.
SweepReport run_sweep(const PreparedSweep& prepared, const SweepControl& control = {});

// Combines the shards' databases into `merged` (a new file); returns how many were merged.
std::size_t merge_shards(const std::filesystem::path& merged, const std::vector<std::filesystem::path>& shards);

struct ExportResult {
  // One CSV per table, each written from the database (which the files keep open) as its rows
  // are read: a sweep of any size is never held in memory.
  std::vector<OutputFile> files;
  std::int64_t runs = 0, expected_runs = 0;  // fewer runs than expected: an unfinished sweep
  std::string finish_command;
};

// A database's tables as CSV (RFC 4180 quoting), an unfinished sweep's as far as it goes.
ExportResult export_tables(const std::filesystem::path& database);

}  // namespace steppe::app
