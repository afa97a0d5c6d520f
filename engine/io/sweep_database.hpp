// A sweep's results in one SQLite database (WAL mode), written as runs finish so that nothing is
// held until the end and an interrupted sweep can resume (docs/sweeps.md):
//
//   sweep    key → value: the sweep file and its bytes, content hash, seed, steppe version,
//            design settings, run count, the command that made it, policies and goals (JSON)
//   factors  factor, name, target (parameter | initial | lever), distribution
//   outcomes outcome, name
//   design   point, block, base, factor, step, policy (NULL without policies), then per factor
//            its value ("CHN.k") and its coordinate in the unit cube ("CHN.k:unit")
//   runs     run, point, replicate, then one column per outcome (NULL when undefined)
//
// The analyses read the design's structure (block, base, factor, step) from the design table,
// never from row order, and runs by their ids: a database holds the same rows whatever order
// the runs finished in.
//
// A kill at any moment leaves a database that `--resume` finishes: the tables are made under a
// temporary name beside the database and renamed into place complete, and each block of runs is
// one WAL transaction. Readers (export, analyze) open it read-only and leave its folder as it was.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/model.hpp"
#include "engine/sweep.hpp"
#include "engine/sweep_runner.hpp"

struct sqlite3;

namespace steppe {

class SqliteStatement;

// A quoted SQL identifier: factor and outcome names hold dots and parentheses.
std::string quoted_identifier(const std::string& name);

// A word for a POSIX shell: as it is when that is safe, else in single quotes.
std::string shell_quoted(const std::string& word);

// The command that finishes a sweep in `database`: `resume` (steppe sweep FILE and the options that
// change the sweep) with --db and --resume, ready to paste into a shell.
std::string finish_command(const std::string& resume, const std::filesystem::path& database);

// How a database was made, recorded in its sweep table.
struct SweepProvenance {
  std::string version;  // steppe's
  std::string command;  // the command line as typed
  std::string resume;   // steppe sweep FILE and the options that change the sweep (see finish_command)
  std::string shard;    // "K/N" for a shard's database, "" for a whole sweep
};

// What a database says about its sweep, read back for analysis and export.
struct StoredSweep {
  std::string file, hash, design;
  std::string shard;     // "K/N" for a shard's database, "" for a whole sweep
  std::string policies;  // JSON {name: {lever: value}}, "" without policies
  std::string goals;     // JSON {outcome: {better, threshold}}, "" without goals
  std::int64_t runs = 0, points = 0;
  int replicates = 1, levels = 0;
  bool second_order = false;
  std::vector<std::string> factors, outcomes;
};

// A database written by a sweep is the runner's sink: each committed block of runs is one
// transaction.
class SweepDatabase final : public SweepSink {
 public:
  // Checks that a new database for `sweep` may be made, and returns what makes it: its tables
  // made under a temporary name and renamed into place, the long part (the design table), which
  // the caller may leave to another thread while the runs start; it refers to the arguments,
  // which must outlive it. A file there already is replaced only when it holds no runs: an empty
  // SQLite database (left by an older steppe killed while creating it, or by a full disk), or
  // this sweep's with no runs yet. Anything else is an InputError, as is a folder that is not
  // there. Temporaries of killed creations are removed first.
  static std::function<SweepDatabase()> create(const Sweep& sweep, const std::vector<DesignPoint>& points,
                                               const SweepProvenance& provenance);
  // The database of `sweep`, to finish: it must be the same sweep (same content hash) and shard —
  // an InputError otherwise. When there is none, or it holds no tables, the sweep starts as
  // create() starts it (created() tells).
  static SweepDatabase resume(const Sweep& sweep, const std::vector<DesignPoint>& points,
                              const SweepProvenance& provenance);
  // An existing database, read-only: nothing is written, and no file is created beside it. Its
  // connection is for one thread at a time (SQLite's multi-thread mode, no lock per call).
  static SweepDatabase open(const std::filesystem::path& file);
  // Combines the databases of shards 1..N of one sweep into `merged` (a new file, written under
  // a temporary name and renamed when complete): the database one process would have written.
  static void merge(const std::filesystem::path& merged, const std::vector<std::filesystem::path>& shards);

  SweepDatabase(SweepDatabase&& other) noexcept;
  SweepDatabase& operator=(SweepDatabase&&) = delete;
  ~SweepDatabase() override;

  const std::filesystem::path& file() const { return file_; }
  // Whether this process made the database (a --resume that found none started the sweep).
  bool created() const { return created_; }
  StoredSweep stored() const;
  // The runs this database is for: the sweep's, or its shard's slice of them.
  std::int64_t expected_runs() const;
  // The command that finishes this database's sweep, to paste into a shell in the current folder
  // (with a `cd` to the folder the sweep ran in when that is another).
  std::string finish_command() const;
  // Which runs are in the runs table: one flag per run id.
  std::vector<bool> completed(std::int64_t runs) const override;
  // Inserts runs [first, first + outcomes.rows()) into the runs table, in a transaction that
  // commit() ends (a database opened to write it: made or resumed).
  void write(std::int64_t first, const MemberArrays& outcomes) override;
  void commit() override;
  // Folds the write-ahead log into the database file, so that a finished sweep is one file; a
  // failure (a full disk) throws, naming the database, instead of leaving the runs in a -wal.
  void checkpoint();
  // Runs the statement and hands its column names to `columns`, then its rows as text (NULL as
  // "", reals as the shortest text that reads back to the same double) to `row` one at a time as
  // they are read: a table of any size passes through without being held (steppe export).
  using TextRow = std::function<void(const std::vector<std::string>&)>;
  void read_rows(const std::string& sql, const TextRow& columns, const TextRow& row) const;
  // Runs the statement and hands its rows as numbers (NULL as NaN) to `row` one at a time.
  void read_numbers(const std::string& sql, const std::function<void(std::span<const double>)>& row) const;
  // The same, held: the column names and the rows as text, or the rows as numbers.
  struct Table {
    std::vector<std::string> columns;
    std::vector<std::vector<std::string>> rows;
  };
  Table query(const std::string& sql) const;
  std::vector<std::vector<double>> numbers(const std::string& sql) const;
  // The names of the tables, in the order a reader should see them.
  static std::vector<std::string> tables() { return {"sweep", "factors", "outcomes", "design", "runs"}; }

 private:
  SweepDatabase(std::filesystem::path file, sqlite3* db);
  // Makes `sweep`'s database complete under a temporary name and renames it to `sweep.database`.
  static SweepDatabase build(const Sweep& sweep, const std::vector<DesignPoint>& points,
                             const SweepProvenance& provenance);
  // The database at `sweep.database` for writing, checked to hold `sweep` (and `shard`).
  static SweepDatabase reopen(const Sweep& sweep, const std::string& shard);
  // The sweep, factors, outcomes and design tables, and the empty runs table.
  void write_tables(const Sweep& sweep, const std::vector<DesignPoint>& points, const SweepProvenance& provenance);
  void execute(const std::string& sql) const;
  std::string value(const std::string& key) const;  // of the sweep table; "" when absent

  std::filesystem::path file_;
  sqlite3* db_;
  bool created_ = false;
  int replicates_ = 1;  // of the sweep being written: a run's point is run / replicates
  // write()'s inserts, each prepared once: of 64 rows, and of a block's last rows.
  std::unique_ptr<SqliteStatement> insert_runs_, insert_tail_;
};

}  // namespace steppe
