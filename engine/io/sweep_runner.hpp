// Running a sweep into its SQLite database (docs/sweeps.md): the core runner
// (engine/sweep_runner.hpp) with the database as its sink, made new or, with `resume`, the one
// an interrupted sweep left, so that `--resume` finishes it into exactly the database an
// uninterrupted run would have written.
#pragma once

#include <string>

#include "engine/sweep_runner.hpp"

namespace steppe {

struct DatabaseSweepOptions : SweepRunOptions {
  bool resume = false;           // finish the sweep in its database (started when it holds no runs)
  std::string version, command;  // recorded in the database
  // steppe sweep FILE and the options that change the sweep: recorded, for the command that
  // finishes the sweep (finish_command in sweep_database.hpp).
  std::string resume_command;
};

// Runs `sweep` into sweep.database; a shard (options.shards > 0) writes a database of its own
// that `steppe merge` combines with the others.
SweepReport run_sweep(const Sweep& sweep, const DatabaseSweepOptions& options);

}  // namespace steppe
