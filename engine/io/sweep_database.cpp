#include "engine/io/sweep_database.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "engine/errors.hpp"

namespace steppe {

namespace {

const char* target_name(Uncertainty::Target target) {
  switch (target) {
    case Uncertainty::Target::parameter:
      return "parameter";
    case Uncertainty::Target::initial:
      return "initial";
    case Uncertainty::Target::lever:
      return "lever";
  }
  return "";
}

// A prepared statement, finalized on scope exit.
class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement_, nullptr) != SQLITE_OK)
      throw std::runtime_error(fmt::format("SQLite: {} in: {}", sqlite3_errmsg(db), sql));
  }
  ~Statement() { sqlite3_finalize(statement_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  void bind(int index, double value) {
    check(std::isnan(value) ? sqlite3_bind_null(statement_, index) : sqlite3_bind_double(statement_, index, value));
  }
  void bind(int index, std::int64_t value) { check(sqlite3_bind_int64(statement_, index, value)); }
  void bind(int index, const std::string& value) {
    check(sqlite3_bind_text(statement_, index, value.c_str(), static_cast<int>(value.size()), SQLITE_TRANSIENT));
  }
  // Steps once: true while there is a row.
  bool step() {
    const int result = sqlite3_step(statement_);
    if (result == SQLITE_ROW) return true;
    if (result != SQLITE_DONE) throw std::runtime_error(fmt::format("SQLite: {}", sqlite3_errmsg(db_)));
    return false;
  }
  void reset() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }
  sqlite3_stmt* get() const { return statement_; }

 private:
  void check(int result) {
    if (result != SQLITE_OK) throw std::runtime_error(fmt::format("SQLite: {}", sqlite3_errmsg(db_)));
  }
  sqlite3* db_;
  sqlite3_stmt* statement_ = nullptr;
};

// Writers then set synchronous=NORMAL: in WAL mode a commit survives the process being killed at
// any point, and only the fsync against power loss is skipped, which made every block cost a
// disk flush.
sqlite3* open_file(const std::filesystem::path& file, int flags) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(file.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    const std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw InputError({file.string()}, "", fmt::format("cannot open the sweep database: {}", message));
  }
  sqlite3_busy_timeout(db, 10'000);
  return db;
}

}  // namespace

std::string quoted_identifier(const std::string& name) {
  std::string result = "\"";
  for (char c : name) result += c == '"' ? std::string("\"\"") : std::string(1, c);
  return result + "\"";
}

SweepDatabase::SweepDatabase(SweepDatabase&& other) noexcept : file_(std::move(other.file_)), db_(other.db_) {
  other.db_ = nullptr;
}

SweepDatabase::~SweepDatabase() { sqlite3_close(db_); }

void SweepDatabase::execute(const std::string& sql) const {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    throw std::runtime_error(fmt::format("SQLite: {} in: {}", message, sql));
  }
}

SweepDatabase SweepDatabase::create(const Sweep& sweep, const std::vector<DesignPoint>& points,
                                    const std::string& version, const std::string& command, const std::string& shard) {
  if (std::filesystem::exists(sweep.database))
    throw InputError({sweep.database.string()}, "",
                     "the sweep database exists already: finish it with --resume, or remove it to start over");
  SweepDatabase database(sweep.database, open_file(sweep.database, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
  database.execute("PRAGMA journal_mode=WAL");
  database.execute("PRAGMA synchronous=NORMAL");
  database.execute("BEGIN");
  const Scenario& scenario = *sweep.scenario;
  const auto& factors = scenario.uncertainties;

  database.execute("CREATE TABLE sweep (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  {
    Statement insert(database.db_, "INSERT INTO sweep VALUES (?, ?)");
    const SweepSettings& settings = sweep.settings;
    std::vector<std::pair<std::string, std::string>> rows = {{"file", sweep.file.string()},
                                                             {"text", sweep.text},
                                                             {"hash", scenario.content_hash},
                                                             {"seed", std::to_string(scenario.seed)},
                                                             {"steppe", version},
                                                             {"command", command},
                                                             {"model", scenario.model_name},
                                                             {"design", design_name(settings.design)},
                                                             {"samples", std::to_string(settings.samples)},
                                                             {"second_order", settings.second_order ? "true" : "false"},
                                                             {"levels", std::to_string(settings.levels)},
                                                             {"trajectories", std::to_string(settings.trajectories)},
                                                             {"replicates", std::to_string(settings.replicates)},
                                                             {"points", std::to_string(points.size())},
                                                             {"runs", std::to_string(sweep.run_count(points.size()))},
                                                             {"months", std::to_string(scenario.months)},
                                                             {"stochastic", scenario.stochastic ? "true" : "false"}};
    if (!shard.empty()) rows.emplace_back("shard", shard);
    if (!sweep.policies.empty()) {
      nlohmann::json policies = nlohmann::json::object();
      for (const Policy& policy : sweep.policies) {
        nlohmann::json levers = nlohmann::json::object();
        for (const auto& [lever, value] : policy.levers) levers[lever] = value;
        policies[policy.name] = levers;
      }
      rows.emplace_back("policies", policies.dump());
    }
    if (!sweep.goals.empty()) {
      nlohmann::json goals = nlohmann::json::object();
      for (const Goal& goal : sweep.goals) {
        goals[goal.outcome] = {{"better", goal.higher_is_better ? "higher" : "lower"}};
        if (goal.threshold) goals[goal.outcome]["threshold"] = *goal.threshold;
      }
      rows.emplace_back("goals", goals.dump());
    }
    for (const auto& [key, value] : rows) {
      insert.bind(1, key);
      insert.bind(2, value);
      insert.step();
      insert.reset();
    }
  }

  database.execute(
      "CREATE TABLE factors (factor INTEGER PRIMARY KEY, name TEXT NOT NULL, target TEXT NOT NULL, "
      "distribution TEXT NOT NULL)");
  {
    Statement insert(database.db_, "INSERT INTO factors VALUES (?, ?, ?, ?)");
    for (std::size_t index = 0; index < factors.size(); ++index) {
      insert.bind(1, static_cast<std::int64_t>(index));
      insert.bind(2, factors[index].name);
      insert.bind(3, std::string(target_name(factors[index].target)));
      insert.bind(4, factors[index].distribution.describe());
      insert.step();
      insert.reset();
    }
  }

  database.execute("CREATE TABLE outcomes (outcome INTEGER PRIMARY KEY, name TEXT NOT NULL)");
  {
    Statement insert(database.db_, "INSERT INTO outcomes VALUES (?, ?)");
    for (std::size_t index = 0; index < scenario.outcomes.size(); ++index) {
      insert.bind(1, static_cast<std::int64_t>(index));
      insert.bind(2, scenario.outcomes[index].name);
      insert.step();
      insert.reset();
    }
  }

  std::string design_columns, placeholders;
  for (const Uncertainty& factor : factors) {
    design_columns +=
        ", " + quoted_identifier(factor.name) + " REAL, " + quoted_identifier(factor.name + ":unit") + " REAL";
    placeholders += ", ?, ?";
  }
  database.execute(
      "CREATE TABLE design (point INTEGER PRIMARY KEY, block TEXT NOT NULL, base INTEGER NOT NULL, "
      "factor INTEGER NOT NULL, step INTEGER NOT NULL, policy TEXT" +
      design_columns + ")");
  {
    Statement insert(database.db_, "INSERT INTO design VALUES (?, ?, ?, ?, ?, ?" + placeholders + ")");
    for (std::size_t point = 0; point < points.size(); ++point) {
      const DesignPoint& p = points[point];
      insert.bind(1, static_cast<std::int64_t>(point));
      insert.bind(2, std::string(block_name(p.block)));
      insert.bind(3, static_cast<std::int64_t>(p.base));
      insert.bind(4, static_cast<std::int64_t>(p.factor));
      insert.bind(5, static_cast<std::int64_t>(p.step));
      if (p.policy >= 0) insert.bind(6, sweep.policies[static_cast<std::size_t>(p.policy)].name);
      for (std::size_t factor = 0; factor < factors.size(); ++factor) {
        insert.bind(7 + 2 * static_cast<int>(factor), sweep.factor_value(factor, p.unit[factor]));
        insert.bind(8 + 2 * static_cast<int>(factor), p.unit[factor]);
      }
      insert.step();
      insert.reset();
    }
  }

  std::string run_columns;
  for (const OutcomeSpec& outcome : scenario.outcomes) run_columns += ", " + quoted_identifier(outcome.name) + " REAL";
  database.execute("CREATE TABLE runs (run INTEGER PRIMARY KEY, point INTEGER NOT NULL, replicate INTEGER NOT NULL" +
                   run_columns + ")");
  database.execute("COMMIT");
  return database;
}

SweepDatabase SweepDatabase::resume(const Sweep& sweep, const std::string& shard) {
  if (!std::filesystem::exists(sweep.database))
    throw InputError({sweep.database.string()}, "", "no sweep database to resume: run the sweep without --resume");
  SweepDatabase database(sweep.database, open_file(sweep.database, SQLITE_OPEN_READWRITE));
  database.execute("PRAGMA synchronous=NORMAL");
  const StoredSweep stored = database.stored();
  if (stored.hash != sweep.scenario->content_hash)
    throw InputError({sweep.database.string()}, "",
                     fmt::format("the database holds another sweep (content hash {}; {} has {}): resume it with the "
                                 "file and options that made it, or start a new database",
                                 stored.hash, sweep.file.string(), sweep.scenario->content_hash));
  if (stored.shard != shard)
    throw InputError({sweep.database.string()}, "",
                     fmt::format("the database holds {} of the sweep, not {}",
                                 stored.shard.empty() ? "all" : "shard " + stored.shard,
                                 shard.empty() ? "all of it" : "shard " + shard));
  return database;
}

SweepDatabase SweepDatabase::open(const std::filesystem::path& file) {
  if (!std::filesystem::exists(file)) throw InputError({file.string()}, "", "no such sweep database");
  SweepDatabase database(file, open_file(file, SQLITE_OPEN_READONLY));
  database.stored();  // checks that it is a sweep database
  return database;
}

StoredSweep SweepDatabase::stored() const {
  StoredSweep stored;
  try {
    for (const auto& row : query("SELECT key, value FROM sweep").rows) {
      const std::string& key = row[0];
      const std::string& value = row[1];
      if (key == "file") stored.file = value;
      if (key == "hash") stored.hash = value;
      if (key == "design") stored.design = value;
      if (key == "runs") stored.runs = std::stoll(value);
      if (key == "points") stored.points = std::stoll(value);
      if (key == "replicates") stored.replicates = std::stoi(value);
      if (key == "levels") stored.levels = std::stoi(value);
      if (key == "second_order") stored.second_order = value == "true";
      if (key == "shard") stored.shard = value;
      if (key == "policies") stored.policies = value;
      if (key == "goals") stored.goals = value;
    }
    for (const auto& row : query("SELECT name FROM factors ORDER BY factor").rows) stored.factors.push_back(row[0]);
    for (const auto& row : query("SELECT name FROM outcomes ORDER BY outcome").rows) stored.outcomes.push_back(row[0]);
  } catch (const std::runtime_error&) {
    throw InputError({file_.string()}, "", "not a steppe sweep database (no sweep, factors or outcomes table)");
  }
  if (stored.hash.empty() || stored.runs <= 0)
    throw InputError({file_.string()}, "", "not a steppe sweep database (its sweep table is incomplete)");
  return stored;
}

void SweepDatabase::merge(const std::filesystem::path& merged, const std::vector<std::filesystem::path>& shards) {
  if (shards.empty()) throw InputError({"<command line>"}, "", "no shard databases to merge");
  if (std::filesystem::exists(merged))
    throw InputError({merged.string()}, "", "the merged database exists already: name a new file");
  // Every shard of one sweep, each exactly once.
  std::vector<StoredSweep> stored;
  for (const auto& shard : shards) stored.push_back(open(shard).stored());
  const StoredSweep& first = stored.front();
  const auto count_of = [](const std::string& shard) {
    return shard.empty() ? 0 : std::stoi(shard.substr(shard.find('/') + 1));
  };
  const int total = count_of(first.shard);
  std::vector<bool> seen(static_cast<std::size_t>(total) + 1, false);
  for (std::size_t index = 0; index < shards.size(); ++index) {
    const std::string name = shards[index].string();
    if (stored[index].shard.empty())
      throw InputError({name}, "", "not a shard's database (it was run without --shard)");
    if (stored[index].hash != first.hash || count_of(stored[index].shard) != total)
      throw InputError({name}, "",
                       fmt::format("shard {} of another sweep than {} (shard {})", stored[index].shard,
                                   shards.front().string(), first.shard));
    const int shard = std::stoi(stored[index].shard);
    if (seen[static_cast<std::size_t>(shard)])
      throw InputError({name}, "", fmt::format("shard {} is given twice", stored[index].shard));
    seen[static_cast<std::size_t>(shard)] = true;
  }
  for (int shard = 1; shard <= total; ++shard)
    if (!seen[static_cast<std::size_t>(shard)])
      throw InputError({"<command line>"}, "", fmt::format("shard {}/{} is missing", shard, total));

  const std::filesystem::path temporary = merged.string() + ".partial";
  std::filesystem::remove(temporary);
  try {
    {
      SweepDatabase out(temporary, open_file(temporary, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
      out.execute("PRAGMA journal_mode=DELETE");  // one file to rename; WAL is turned on at the end
      const auto attach = [&](const std::filesystem::path& file) {
        Statement statement(out.db_, "ATTACH DATABASE ? AS shard");
        statement.bind(1, file.string());
        statement.step();
      };
      attach(shards.front());
      out.execute("BEGIN");
      for (const auto& row : out.query("SELECT sql FROM shard.sqlite_master WHERE type = 'table'").rows)
        out.execute(row[0]);
      for (const char* table : {"sweep", "factors", "outcomes", "design"})
        out.execute(fmt::format("INSERT INTO main.{0} SELECT * FROM shard.{0}", table));
      out.execute("DELETE FROM main.sweep WHERE key = 'shard'");
      out.execute("COMMIT");
      out.execute("DETACH DATABASE shard");
      for (const auto& shard : shards) {
        attach(shard);
        out.execute("INSERT INTO main.runs SELECT * FROM shard.runs");
        out.execute("DETACH DATABASE shard");
      }
      const auto runs = out.numbers("SELECT COUNT(*) FROM runs");
      if (static_cast<std::int64_t>(runs[0][0]) != first.runs)
        throw InputError({merged.string()}, "",
                         fmt::format("the shards hold {} of the sweep's {} runs: finish each with steppe sweep "
                                     "--shard K/N --resume",
                                     static_cast<std::int64_t>(runs[0][0]), first.runs));
      out.execute("PRAGMA journal_mode=WAL");
    }
    std::filesystem::rename(temporary, merged);
  } catch (...) {
    std::filesystem::remove(temporary);
    throw;
  }
}

std::vector<bool> SweepDatabase::completed(std::int64_t runs) const {
  std::vector<bool> done(static_cast<std::size_t>(runs), false);
  Statement select(db_, "SELECT run FROM runs");
  while (select.step()) {
    const std::int64_t run = sqlite3_column_int64(select.get(), 0);
    if (run >= 0 && run < runs) done[static_cast<std::size_t>(run)] = true;
  }
  return done;
}

void SweepDatabase::write_runs(std::int64_t first, int replicates, const MemberArrays& outcomes) {
  std::string placeholders;
  for (Eigen::Index column = 0; column < outcomes.cols(); ++column) placeholders += ", ?";
  execute("BEGIN IMMEDIATE");
  {
    Statement insert(db_, "INSERT INTO runs VALUES (?, ?, ?" + placeholders + ")");
    for (Eigen::Index row = 0; row < outcomes.rows(); ++row) {
      const std::int64_t run = first + row;
      insert.bind(1, run);
      insert.bind(2, run / replicates);
      insert.bind(3, run % replicates);
      for (Eigen::Index column = 0; column < outcomes.cols(); ++column)
        insert.bind(4 + static_cast<int>(column), outcomes(row, column));
      insert.step();
      insert.reset();
    }
  }
  execute("COMMIT");
}

SweepDatabase::Table SweepDatabase::query(const std::string& sql) const {
  Statement select(db_, sql);
  Table table;
  const int columns = sqlite3_column_count(select.get());
  for (int column = 0; column < columns; ++column)
    table.columns.emplace_back(sqlite3_column_name(select.get(), column));
  while (select.step()) {
    std::vector<std::string> row;
    for (int column = 0; column < columns; ++column) {
      // Reals as the shortest text that reads back to the same double (SQLite's own keeps 15
      // digits); everything else as SQLite writes it.
      if (sqlite3_column_type(select.get(), column) == SQLITE_FLOAT) {
        row.push_back(fmt::format("{}", sqlite3_column_double(select.get(), column)));
        continue;
      }
      const auto* text = sqlite3_column_text(select.get(), column);
      row.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

std::vector<std::vector<double>> SweepDatabase::numbers(const std::string& sql) const {
  Statement select(db_, sql);
  std::vector<std::vector<double>> rows;
  const int columns = sqlite3_column_count(select.get());
  while (select.step()) {
    std::vector<double> row;
    for (int column = 0; column < columns; ++column)
      row.push_back(sqlite3_column_type(select.get(), column) == SQLITE_NULL
                        ? std::nan("")
                        : sqlite3_column_double(select.get(), column));
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace steppe
