#include "engine/io/sweep_database.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
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
    case Uncertainty::Target::controller:
      return "controller";
  }
  return "";
}

namespace fs = std::filesystem;

// A failed SQLite call: its message names the database and says what to do about the disk
// failures a user can fix; `code` lets callers tell a file that is not SQLite from other failures.
class SqliteFailure : public std::runtime_error {
 public:
  SqliteFailure(sqlite3* db, const std::string& sql)
      : std::runtime_error(describe(db, sql)), code(sqlite3_errcode(db)) {}
  const int code;

 private:
  static std::string describe(sqlite3* db, const std::string& sql) {
    const char* file = sqlite3_db_filename(db, "main");
    std::string advice;
    switch (sqlite3_errcode(db)) {
      case SQLITE_FULL:
        advice = ": free some space on its disk";
        break;
      case SQLITE_IOERR:  // a write past a file size limit or a quota ends here too
        advice = ": check that its disk has free space and works";
        break;
      case SQLITE_READONLY:
      case SQLITE_CANTOPEN:
      case SQLITE_PERM:
        advice = ": check that its folder is writable";
        break;
      default:
        break;
    }
    return fmt::format("{}: SQLite: {}{}{}", file && *file ? file : "<database>", sqlite3_errmsg(db),
                       sql.empty() ? "" : " in: " + sql, advice);
  }
};

}  // namespace

// A prepared statement, finalized on scope exit (outside the unnamed namespace, so that a
// SweepDatabase can keep one: its insert into the runs table).
class SqliteStatement {
 public:
  SqliteStatement(sqlite3* db, const std::string& sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement_, nullptr) != SQLITE_OK) throw SqliteFailure(db, sql);
  }
  ~SqliteStatement() { sqlite3_finalize(statement_); }
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

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
    if (result != SQLITE_DONE) throw SqliteFailure(db_, "");
    return false;
  }
  // Ready to run again, with no value bound.
  void reset() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }
  // Ready to run again, for a caller that binds every value each time.
  void rewind() { sqlite3_reset(statement_); }
  sqlite3_stmt* get() const { return statement_; }

 private:
  void check(int result) {
    if (result != SQLITE_OK) throw SqliteFailure(db_, "");
  }
  sqlite3* db_;
  sqlite3_stmt* statement_ = nullptr;
};

namespace {

// Writers then set synchronous=NORMAL: in WAL mode a commit survives the process being killed at
// any point, and only the fsync against power loss is skipped, which made every block cost a
// disk flush. `name` is the file, or a URI with SQLITE_OPEN_URI.
sqlite3* open_file(const fs::path& file, int flags, const std::string& name = "") {
  // SQLite counts the memory it allocates by default, under a lock taken at every allocation (a
  // twentieth of a sweep's writing); steppe never asks. Possible only before SQLite starts, which
  // the first open does.
  [[maybe_unused]] static const bool uncounted = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
  sqlite3* db = nullptr;
  // Each connection is used by one thread only, so SQLite's own locks around every call can go.
  if (sqlite3_open_v2(name.empty() ? file.c_str() : name.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    const std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw InputError({file.string()}, "", fmt::format("cannot open the sweep database: {}", message));
  }
  sqlite3_busy_timeout(db, 10'000);
  return db;
}

// A read-only URI for `file`: `immutable` tells SQLite that nothing writes the file, so that it
// neither locks it nor creates a -wal and -shm beside it.
std::string read_only_uri(const fs::path& file, bool immutable) {
  std::string uri = file.is_absolute() ? "file://" : "file:";
  for (char c : file.string())
    uri += c == '?' || c == '#' || c == '%' ? fmt::format("%{:02X}", static_cast<unsigned char>(c)) : std::string(1, c);
  return uri + (immutable ? "?mode=ro&immutable=1" : "?mode=ro");
}

// The files SQLite keeps beside a database: its WAL, the WAL's index, a rollback journal.
const char* const side_files[] = {"-wal", "-shm", "-journal"};

// Removes a database and what SQLite kept beside it. The side files go first: a WAL left without
// its database would be replayed into the next database of that name.
void remove_database_file(const fs::path& file) {
  for (const char* side : side_files) fs::remove(file.string() + side);
  fs::remove(file);
}

// Each process makes its database under a name of its own (the pid tells whose it is).
const std::string temporary_marker = ".partial-";

fs::path temporary_name(const fs::path& file) { return file.string() + temporary_marker + std::to_string(::getpid()); }

// Removes what a creation killed before its rename left beside `file` (its temporary and the
// temporary's side files), unless the process that made them is still running.
void remove_stale_temporaries(const fs::path& file) {
  const std::string prefix = file.filename().string() + temporary_marker;
  const fs::path folder = file.parent_path().empty() ? fs::path(".") : file.parent_path();
  std::vector<fs::path> stale;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(folder, error)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    const std::string rest = name.substr(prefix.size());
    const std::size_t digits = std::min(rest.size(), rest.find_first_not_of("0123456789"));
    const std::string side = rest.substr(digits);
    if (digits == 0 || digits > 9 ||
        (!side.empty() && side != side_files[0] && side != side_files[1] && side != side_files[2]))
      continue;
    const auto pid = static_cast<pid_t>(std::stol(rest.substr(0, digits)));
    if (pid == ::getpid() || (::kill(pid, 0) != 0 && errno == ESRCH)) stale.push_back(entry.path());
  }
  for (const fs::path& path : stale) fs::remove(path);
}

// Renames the complete `temporary` to `file` unless another process has made `file` meanwhile,
// then makes the rename durable.
void rename_into_place(const fs::path& temporary, const fs::path& file) {
  // A WAL or journal without its database, left when one was removed, must not meet the new one.
  if (!fs::exists(file))
    for (const char* side : side_files) fs::remove(file.string() + side);
  int failure = ::renameat2(AT_FDCWD, temporary.c_str(), AT_FDCWD, file.c_str(), RENAME_NOREPLACE) == 0 ? 0 : errno;
  if (failure == EINVAL || failure == ENOSYS) {  // a file system without RENAME_NOREPLACE
    const bool taken = fs::exists(file);
    failure = taken ? EEXIST : ::rename(temporary.c_str(), file.c_str()) == 0 ? 0 : errno;
  }
  if (failure != 0) fs::remove(temporary);
  if (failure == EEXIST)
    throw InputError({file.string()}, "",
                     "another steppe made this sweep database while this one was making it: finish it with "
                     "--resume");
  if (failure != 0)
    throw std::runtime_error(fmt::format("cannot rename {} to {}: {}: check that the folder is writable",
                                         temporary.string(), file.string(), std::strerror(failure)));
  const fs::path folder = file.parent_path().empty() ? fs::path(".") : file.parent_path();
  const int directory = ::open(folder.c_str(), O_RDONLY | O_CLOEXEC);
  if (directory >= 0) {
    ::fsync(directory);
    ::close(directory);
  }
}

// What a sweep finds where its database goes.
enum class Found { nothing, no_tables, tables };

Found examine(const fs::path& file) {
  if (fs::is_directory(file))
    throw InputError({file.string()}, "", "is a folder, not a sweep database: name a file with --db");
  if (!fs::exists(file)) return Found::nothing;
  sqlite3* db = open_file(file, SQLITE_OPEN_READWRITE);
  try {
    SqliteStatement count(db, "SELECT COUNT(*) FROM sqlite_master");
    count.step();
    const bool empty = sqlite3_column_int64(count.get(), 0) == 0;
    sqlite3_close_v2(db);
    return empty ? Found::no_tables : Found::tables;
  } catch (const SqliteFailure& failure) {
    sqlite3_close_v2(db);
    if (failure.code == SQLITE_NOTADB)
      throw InputError({file.string()}, "",
                       "not a SQLite file, so not a sweep database (it is left as it is): name the sweep's database "
                       "with --db");
    throw;
  }
}

// The runs of `shard` ("K/N", "" for all) of a sweep of `runs` runs.
std::int64_t runs_of_shard(std::int64_t runs, const std::string& shard) {
  if (shard.empty()) return runs;
  const auto slash = shard.find('/');
  const auto [first, last] = shard_runs(runs, std::stoi(shard.substr(0, slash)), std::stoi(shard.substr(slash + 1)));
  return last - first;
}

}  // namespace

std::string quoted_identifier(const std::string& name) {
  std::string result = "\"";
  for (char c : name) result += c == '"' ? std::string("\"\"") : std::string(1, c);
  return result + "\"";
}

std::string shell_quoted(const std::string& word) {
  const bool plain = !word.empty() && word.find_first_not_of(
                                          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                          "0123456789-_./=:,+@%") == std::string::npos;
  if (plain) return word;
  std::string quoted = "'";
  for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string finish_command(const std::string& resume, const fs::path& database) {
  return fmt::format("{} --db {} --resume", resume, shell_quoted(database.string()));
}

SweepDatabase::SweepDatabase(fs::path file, sqlite3* db) : file_(std::move(file)), db_(db) {}

SweepDatabase::SweepDatabase(SweepDatabase&& other) noexcept
    : file_(std::move(other.file_)),
      db_(other.db_),
      created_(other.created_),
      replicates_(other.replicates_),
      insert_runs_(std::move(other.insert_runs_)),
      insert_tail_(std::move(other.insert_tail_)) {
  other.db_ = nullptr;
}

SweepDatabase::~SweepDatabase() {
  // A connection closes only once its statements are finalized.
  insert_runs_.reset();
  insert_tail_.reset();
  sqlite3_close(db_);
}

void SweepDatabase::execute(const std::string& sql) const {
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) throw SqliteFailure(db_, sql);
}

// The checks both writers make of a database that holds a sweep: the same sweep, the same shard.
static void require_same_sweep(const StoredSweep& stored, const Sweep& sweep, const std::string& shard) {
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
}

// A database is made in its folder, which must be there.
static void require_folder(const Sweep& sweep) {
  const fs::path folder = sweep.database.parent_path();
  if (!folder.empty() && !fs::is_directory(folder))
    throw InputError({sweep.database.string()}, "", "its folder does not exist: make it, or name another --db");
}

std::function<SweepDatabase()> SweepDatabase::create(const Sweep& sweep, const std::vector<DesignPoint>& points,
                                                     const SweepProvenance& provenance) {
  const fs::path& file = sweep.database;
  require_folder(sweep);
  remove_stale_temporaries(file);
  switch (examine(file)) {
    case Found::nothing:
      break;
    case Found::no_tables:  // an older steppe killed while making it, or a full disk: no runs to lose
      remove_database_file(file);
      break;
    case Found::tables: {
      {
        const SweepDatabase existing(file, open_file(file, SQLITE_OPEN_READWRITE));
        require_same_sweep(existing.stored(), sweep, provenance.shard);
        const auto runs = static_cast<std::int64_t>(existing.numbers("SELECT COUNT(*) FROM runs")[0][0]);
        if (runs > 0)
          throw InputError({file.string()}, "",
                           fmt::format("the sweep database exists already: finish it with --resume, or remove it "
                                       "to start over (it holds {} runs)",
                                       runs));
      }
      remove_database_file(file);  // this sweep's tables without a run: made again as they are
      break;
    }
  }
  return [&sweep, &points, &provenance] { return build(sweep, points, provenance); };
}

SweepDatabase SweepDatabase::resume(const Sweep& sweep, const std::vector<DesignPoint>& points,
                                    const SweepProvenance& provenance) {
  require_folder(sweep);
  remove_stale_temporaries(sweep.database);
  switch (examine(sweep.database)) {
    case Found::nothing:
      return build(sweep, points, provenance);
    case Found::no_tables:
      remove_database_file(sweep.database);
      return build(sweep, points, provenance);
    case Found::tables:
      break;
  }
  return reopen(sweep, provenance.shard);
}

SweepDatabase SweepDatabase::reopen(const Sweep& sweep, const std::string& shard) {
  SweepDatabase database(sweep.database, open_file(sweep.database, SQLITE_OPEN_READWRITE));
  require_same_sweep(database.stored(), sweep, shard);
  database.execute("PRAGMA synchronous=NORMAL");
  database.replicates_ = sweep.settings.replicates;
  return database;
}

SweepDatabase SweepDatabase::build(const Sweep& sweep, const std::vector<DesignPoint>& points,
                                   const SweepProvenance& provenance) {
  const fs::path temporary = temporary_name(sweep.database);
  const auto discard = [&] {
    std::error_code error;
    for (const char* side : side_files) fs::remove(temporary.string() + side, error);
    fs::remove(temporary, error);
  };
  try {
    // Errors opening it name the database, not the temporary.
    SweepDatabase database(temporary,
                           open_file(sweep.database, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, temporary.string()));
    // No journal file: a creation killed midway leaves one file, which the next run removes.
    database.execute("PRAGMA journal_mode=MEMORY");
    database.execute("BEGIN");
    database.write_tables(sweep, points, provenance);
    database.execute("COMMIT");
    // The runs then go to a WAL; closing removes the (empty) WAL, so one file is renamed.
    database.execute("PRAGMA journal_mode=WAL");
  } catch (const SqliteFailure& failure) {
    discard();
    throw std::runtime_error(
        fmt::format("cannot make the sweep database {}: {}", sweep.database.string(), failure.what()));
  } catch (...) {
    discard();
    throw;
  }
  rename_into_place(temporary, sweep.database);
  SweepDatabase database = reopen(sweep, provenance.shard);
  database.created_ = true;
  return database;
}

void SweepDatabase::write_tables(const Sweep& sweep, const std::vector<DesignPoint>& points,
                                 const SweepProvenance& provenance) {
  SweepDatabase& database = *this;
  const std::string& shard = provenance.shard;
  const Scenario& scenario = *sweep.scenario;
  const auto& factors = scenario.uncertainties;

  database.execute("CREATE TABLE sweep (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  {
    SqliteStatement insert(database.db_, "INSERT INTO sweep VALUES (?, ?)");
    const SweepSettings& settings = sweep.settings;
    std::vector<std::pair<std::string, std::string>> rows = {{"file", sweep.file.string()},
                                                             {"text", sweep.text},
                                                             {"hash", scenario.content_hash},
                                                             {"seed", std::to_string(scenario.seed)},
                                                             {"steppe", provenance.version},
                                                             {"command", provenance.command},
                                                             {"resume", provenance.resume},
                                                             {"folder", fs::current_path().string()},
                                                             {"model", scenario.model_name},
                                                             {"design", settings.design->name()},
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
    SqliteStatement insert(database.db_, "INSERT INTO factors VALUES (?, ?, ?, ?)");
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
    SqliteStatement insert(database.db_, "INSERT INTO outcomes VALUES (?, ?)");
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
    SqliteStatement insert(database.db_, "INSERT INTO design VALUES (?, ?, ?, ?, ?, ?" + placeholders + ")");
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
}

SweepDatabase SweepDatabase::open(const fs::path& file) {
  if (!fs::exists(file)) throw InputError({file.string()}, "", "no such sweep database");
  if (fs::is_directory(file))
    throw InputError({file.string()}, "", "is a folder, not a sweep database: name the database file in it");
  // A read-only connection cannot remove the -wal and -shm it makes. A finished sweep's database
  // has no WAL beside it and is read as immutable, which makes none; beside a sweep running or
  // killed there is one already, and it holds runs to read.
  const bool has_wal = fs::exists(file.string() + side_files[0]);
  SweepDatabase database(file, open_file(file, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, read_only_uri(file, !has_wal)));
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
  } catch (const SqliteFailure& failure) {
    if (failure.code == SQLITE_NOTADB)
      throw InputError({file_.string()}, "", "not a steppe sweep database: the file is not SQLite");
    if (failure.code != SQLITE_ERROR) throw;  // the disk, not the file's contents
    throw InputError({file_.string()}, "", "not a steppe sweep database (no sweep, factors or outcomes table)");
  }
  if (stored.hash.empty() || stored.runs <= 0)
    throw InputError({file_.string()}, "", "not a steppe sweep database (its sweep table is incomplete)");
  return stored;
}

std::string SweepDatabase::value(const std::string& key) const {
  SqliteStatement select(db_, "SELECT value FROM sweep WHERE key = ?");
  select.bind(1, key);
  if (!select.step()) return "";
  const auto* text = sqlite3_column_text(select.get(), 0);
  return text ? reinterpret_cast<const char*>(text) : "";
}

std::int64_t SweepDatabase::expected_runs() const {
  const StoredSweep sweep = stored();
  return runs_of_shard(sweep.runs, sweep.shard);
}

std::string SweepDatabase::finish_command() const {
  std::string resume = value("resume");
  if (resume.empty()) {  // a database of a steppe that did not record it
    const StoredSweep sweep = stored();
    resume = "steppe sweep " + shell_quoted(sweep.file) + (sweep.shard.empty() ? "" : " --shard " + sweep.shard);
  }
  // The sweep file and options are as typed in the folder the sweep ran in.
  const std::string folder = value("folder");
  std::error_code error;
  if (folder.empty() || fs::equivalent(folder, fs::current_path(), error)) return steppe::finish_command(resume, file_);
  return "cd " + shell_quoted(folder) + " && " + steppe::finish_command(resume, fs::absolute(file_));
}

void SweepDatabase::merge(const std::filesystem::path& merged, const std::vector<std::filesystem::path>& shards) {
  if (shards.empty()) throw InputError({"<command line>"}, "", "no shard databases to merge");
  if (std::filesystem::exists(merged))
    throw InputError({merged.string()}, "", "the merged database exists already: name a new file");
  // Every shard of one sweep, each exactly once, each with all its runs.
  std::vector<StoredSweep> stored;
  std::vector<std::pair<std::string, std::string>> unfinished;  // shard, what it lacks
  for (const auto& shard : shards) {
    const SweepDatabase database = open(shard);
    stored.push_back(database.stored());
    const auto runs = static_cast<std::int64_t>(database.numbers("SELECT COUNT(*) FROM runs")[0][0]);
    if (runs < database.expected_runs())
      unfinished.emplace_back(
          shard.string(), fmt::format("shard {} holds {} of its {} runs: finish it with: {}", stored.back().shard, runs,
                                      database.expected_runs(), database.finish_command()));
  }
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
  if (!unfinished.empty()) {  // one error line per unfinished shard
    std::string message = unfinished.front().second;
    for (std::size_t index = 1; index < unfinished.size(); ++index)
      message += fmt::format("\n{}: error: {}", unfinished[index].first, unfinished[index].second);
    throw InputError({unfinished.front().first}, "", message);
  }

  const std::filesystem::path temporary = merged.string() + ".partial";
  std::filesystem::remove(temporary);
  try {
    {
      SweepDatabase out(temporary, open_file(temporary, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
      out.execute("PRAGMA journal_mode=DELETE");  // one file to rename; WAL is turned on at the end
      const auto attach = [&](const std::filesystem::path& file) {
        SqliteStatement statement(out.db_, "ATTACH DATABASE ? AS shard");
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
  SqliteStatement select(db_, "SELECT run FROM runs");
  while (select.step()) {
    const std::int64_t run = sqlite3_column_int64(select.get(), 0);
    if (run >= 0 && run < runs) done[static_cast<std::size_t>(run)] = true;
  }
  return done;
}

void SweepDatabase::write(std::int64_t first, const MemberArrays& outcomes) {
  // Rows go in 64 to a statement: one statement step per row was most of the database's cost.
  constexpr Eigen::Index rows_per_statement = 64;
  const auto columns = static_cast<int>(3 + outcomes.cols());
  const auto insert_sql = [&](Eigen::Index rows) {
    std::string row = "(?";
    for (int column = 1; column < columns; ++column) row += ", ?";
    row += ")";
    std::string sql = "INSERT INTO runs VALUES " + row;
    for (Eigen::Index more = 1; more < rows; ++more) sql += ", " + row;
    return sql;
  };
  if (sqlite3_get_autocommit(db_)) execute("BEGIN IMMEDIATE");
  // The statements are prepared once for the database, not at every block: parsing the 768
  // parameters of 64 rows was a tenth of the writing, and the 48 rows that end a block of 1008
  // another twentieth. Blocks are all of one size but the sweep's last.
  if (!insert_runs_) insert_runs_ = std::make_unique<SqliteStatement>(db_, insert_sql(rows_per_statement));
  for (Eigen::Index start = 0; start < outcomes.rows(); start += rows_per_statement) {
    const Eigen::Index rows = std::min(rows_per_statement, outcomes.rows() - start);
    // The tail's statement is for as many rows as it has parameters for.
    if (rows < rows_per_statement &&
        (!insert_tail_ || sqlite3_bind_parameter_count(insert_tail_->get()) != rows * columns))
      insert_tail_ = std::make_unique<SqliteStatement>(db_, insert_sql(rows));
    SqliteStatement& insert = rows == rows_per_statement ? *insert_runs_ : *insert_tail_;
    for (Eigen::Index row = 0; row < rows; ++row) {
      const std::int64_t run = first + start + row;
      const int at = static_cast<int>(row) * columns;
      insert.bind(at + 1, run);
      insert.bind(at + 2, run / replicates_);
      insert.bind(at + 3, run % replicates_);
      for (Eigen::Index column = 0; column < outcomes.cols(); ++column)
        insert.bind(at + 4 + static_cast<int>(column), outcomes(start + row, column));
    }
    insert.step();
    insert.rewind();  // every value is bound again before the next step
  }
}

void SweepDatabase::commit() {
  if (!sqlite3_get_autocommit(db_)) execute("COMMIT");
}

void SweepDatabase::checkpoint() {
  if (sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr) != SQLITE_OK)
    throw SqliteFailure(db_, "PRAGMA wal_checkpoint(TRUNCATE)");
}

void SweepDatabase::read_rows(const std::string& sql, const TextRow& columns, const TextRow& row) const {
  SqliteStatement select(db_, sql);
  const int count = sqlite3_column_count(select.get());
  std::vector<std::string> fields;
  for (int column = 0; column < count; ++column) fields.emplace_back(sqlite3_column_name(select.get(), column));
  columns(fields);
  // One vector of fields for every row: their strings keep their capacity from row to row.
  while (select.step()) {
    for (int column = 0; column < count; ++column) {
      std::string& field = fields[static_cast<std::size_t>(column)];
      field.clear();
      // Reals as the shortest text that reads back to the same double (SQLite's own keeps 15
      // digits); everything else as SQLite writes it.
      if (sqlite3_column_type(select.get(), column) == SQLITE_FLOAT) {
        fmt::format_to(std::back_inserter(field), "{}", sqlite3_column_double(select.get(), column));
        continue;
      }
      const auto* text = sqlite3_column_text(select.get(), column);
      if (text)
        field.append(reinterpret_cast<const char*>(text),
                     static_cast<std::size_t>(sqlite3_column_bytes(select.get(), column)));
    }
    row(fields);
  }
}

void SweepDatabase::read_numbers(const std::string& sql,
                                 const std::function<void(std::span<const double>)>& row) const {
  SqliteStatement select(db_, sql);
  const int count = sqlite3_column_count(select.get());
  std::vector<double> values(static_cast<std::size_t>(count));
  while (select.step()) {
    for (int column = 0; column < count; ++column)
      values[static_cast<std::size_t>(column)] = sqlite3_column_type(select.get(), column) == SQLITE_NULL
                                                     ? std::nan("")
                                                     : sqlite3_column_double(select.get(), column);
    row(values);
  }
}

SweepDatabase::Table SweepDatabase::query(const std::string& sql) const {
  Table table;
  read_rows(
      sql, [&](const std::vector<std::string>& columns) { table.columns = columns; },
      [&](const std::vector<std::string>& row) { table.rows.push_back(row); });
  return table;
}

std::vector<std::vector<double>> SweepDatabase::numbers(const std::string& sql) const {
  std::vector<std::vector<double>> rows;
  read_numbers(sql, [&](std::span<const double> row) { rows.emplace_back(row.begin(), row.end()); });
  return rows;
}

}  // namespace steppe
