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
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "engine/model.hpp"
#include "engine/sweep.hpp"

struct sqlite3;

namespace steppe {

// A quoted SQL identifier: factor and outcome names hold dots and parentheses.
std::string quoted_identifier(const std::string& name);

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

class SweepDatabase {
 public:
  // A new database for `sweep` (its file must not exist), with the sweep and design tables
  // written in one transaction.
  // A shard's database records `shard` ("K/N").
  static SweepDatabase create(const Sweep& sweep, const std::vector<DesignPoint>& points, const std::string& version,
                              const std::string& command, const std::string& shard = "");
  // An existing database, to finish the sweep it holds: it must be the same sweep (same content
  // hash) — an InputError otherwise.
  static SweepDatabase resume(const Sweep& sweep, const std::string& shard = "");
  // An existing database, read-only.
  static SweepDatabase open(const std::filesystem::path& file);
  // Combines the databases of shards 1..N of one sweep into `merged` (a new file, written under
  // a temporary name and renamed when complete): the database one process would have written.
  static void merge(const std::filesystem::path& merged, const std::vector<std::filesystem::path>& shards);

  SweepDatabase(SweepDatabase&& other) noexcept;
  SweepDatabase& operator=(SweepDatabase&&) = delete;
  ~SweepDatabase();

  const std::filesystem::path& file() const { return file_; }
  StoredSweep stored() const;
  // Which runs are in the runs table: one flag per run id.
  std::vector<bool> completed(std::int64_t runs) const;
  // Writes runs [first, first + outcomes.rows()) in one transaction.
  void write_runs(std::int64_t first, int replicates, const MemberArrays& outcomes);
  // Runs the statement and returns its column names and its rows as text (NULL as "").
  struct Table {
    std::vector<std::string> columns;
    std::vector<std::vector<std::string>> rows;
  };
  Table query(const std::string& sql) const;
  // Runs the statement and returns its rows as numbers (NULL as NaN).
  std::vector<std::vector<double>> numbers(const std::string& sql) const;
  // The names of the tables, in the order a reader should see them.
  static std::vector<std::string> tables() { return {"sweep", "factors", "outcomes", "design", "runs"}; }

 private:
  SweepDatabase(std::filesystem::path file, sqlite3* db) : file_(std::move(file)), db_(db) {}
  void execute(const std::string& sql) const;

  std::filesystem::path file_;
  sqlite3* db_;
};

}  // namespace steppe
