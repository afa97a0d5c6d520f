// What a sweep database can be left as, and what the sweep commands make of it: an empty
// database from a sweep killed while making it, none at all, a file that is not SQLite, a
// folder, an unfinished sweep, an unfinished shard, a full disk. Each is exit 2 with a message
// naming the file (exit 1 for the disk), or a run that carries on; none leaves the user stuck.
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <regex>

#include "cli_support.hpp"
#include "engine/io/sweep_database.hpp"

using namespace steppe;
using namespace steppe::cli_testing;

namespace {

// A sweep file in its own folder, extending the calibrated scenario: 40 runs.
fs::path write_sweep(const std::string& name) {
  const fs::path folder = scratch("sweep-errors-" + name);
  write_text_file(folder / "sweep.yaml", "extends: " + (root_folder() / "scenarios" / "calibrated.yaml").string() +
                                             "\n"
                                             "stochastic: true\n"
                                             "uncertainties:\n"
                                             "  CHN.k: {uniform: [0.14, 0.26]}\n"
                                             "  alpha: {uniform: [0.035, 0.065]}\n"
                                             "sweep: {design: monte_carlo, samples: 20, replicates: 2}\n");
  return folder;
}

std::vector<std::vector<std::string>> runs_of(const fs::path& database) {
  return SweepDatabase::open(database).query("SELECT * FROM runs ORDER BY run").rows;
}

void execute(const fs::path& database, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(database.c_str(), &db) == SQLITE_OK);
  CHECK(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
}

// What an older steppe killed while making its tables left: a 4 KB database in WAL mode with no
// tables, and beside it a WAL whose frames were never committed, and its index.
void leave_empty_database(const fs::path& database) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    sqlite3* db = nullptr;
    sqlite3_open(database.c_str(), &db);
    sqlite3_exec(db,
                 "PRAGMA journal_mode=WAL; PRAGMA cache_size=1; BEGIN; CREATE TABLE sweep (key TEXT, value TEXT); "
                 "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) "
                 "INSERT INTO sweep SELECT i, printf('%.100d', i) FROM n;",
                 nullptr, nullptr, nullptr);
    ::_exit(0);  // killed: nothing committed, nothing closed
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(fs::file_size(database) == 4096);
  REQUIRE(fs::file_size(database.string() + "-wal") > 0);
}

// The command after `marker` on the first line of `text` that has it.
std::string command_after(const std::string& text, const std::string& marker) {
  for (const std::string& line : lines_of(text))
    if (line.find(marker) != std::string::npos) return line.substr(line.find(marker) + marker.size());
  return "";
}

}  // namespace

TEST_CASE("a database left empty by a sweep killed while making it is started by --resume or replaced",
          "[cli][sweep]") {
  const fs::path folder = write_sweep("empty");
  REQUIRE(run_steppe({"sweep", "sweep.yaml", "--db", "whole.sqlite", "-q"}, folder).exit_code == 0);

  leave_empty_database(folder / "sweep.sqlite");
  const RunResult resumed = run_steppe({"sweep", "sweep.yaml", "--resume"}, folder);
  CHECK(resumed.exit_code == 0);
  CHECK_THAT(resumed.err, Catch::Contains("sweep.sqlite held no runs of the sweep (no database, or an empty one): "
                                          "starting it"));
  CHECK_THAT(resumed.out, Catch::Contains("ran 40 runs"));
  CHECK(runs_of(folder / "sweep.sqlite") == runs_of(folder / "whole.sqlite"));

  fs::remove(folder / "sweep.sqlite");
  leave_empty_database(folder / "sweep.sqlite");
  const RunResult fresh = run_steppe({"sweep", "sweep.yaml", "-q"}, folder);
  CHECK(fresh.err.empty());
  CHECK(fresh.exit_code == 0);
  CHECK(runs_of(folder / "sweep.sqlite") == runs_of(folder / "whole.sqlite"));
  CHECK(folder_entries(folder) == std::vector<std::string>{"sweep.sqlite", "sweep.yaml", "whole.sqlite"});
}

TEST_CASE("a sweep removes what a sweep killed while making its database left, and only that", "[cli][sweep]") {
  const fs::path folder = write_sweep("stale");
  const pid_t dead = ::fork();  // a process id that is no one's once waited for
  if (dead == 0) ::_exit(0);
  ::waitpid(dead, nullptr, 0);
  const std::string stale = "sweep.sqlite.partial-" + std::to_string(dead);
  const std::string live = "sweep.sqlite.partial-" + std::to_string(::getpid());
  for (const std::string& name : {stale, stale + "-journal", stale + "-wal", stale + "-shm", live})
    write_text_file(folder / name, "half made\n");
  const RunResult result = run_steppe({"sweep", "sweep.yaml", "-q"}, folder);
  CHECK(result.err.empty());
  CHECK(result.exit_code == 0);
  CHECK(folder_entries(folder) == std::vector<std::string>{"sweep.sqlite", live, "sweep.yaml"});
}

TEST_CASE("steppe sweep --resume without a database starts the sweep and says so", "[cli][sweep]") {
  const fs::path folder = write_sweep("resume-none");
  const RunResult started = run_steppe({"sweep", "sweep.yaml", "--resume", "--db", "new.sqlite"}, folder);
  CHECK(started.exit_code == 0);
  CHECK(started.err == "steppe: new.sqlite held no runs of the sweep (no database, or an empty one): starting it\n");
  CHECK(runs_of(folder / "new.sqlite").size() == 40);
}

TEST_CASE("a sweep database that is a fresh sweep's with no runs yet is replaced, one with runs is not",
          "[cli][sweep]") {
  const fs::path folder = write_sweep("no-runs");
  REQUIRE(run_steppe({"sweep", "sweep.yaml", "-q"}, folder).exit_code == 0);
  const auto rows = runs_of(folder / "sweep.sqlite");
  execute(folder / "sweep.sqlite", "DELETE FROM runs");  // killed after its tables, before its first runs
  CHECK(run_steppe({"sweep", "sweep.yaml", "-q"}, folder).exit_code == 0);
  CHECK(runs_of(folder / "sweep.sqlite") == rows);

  const RunResult again = run_steppe({"sweep", "sweep.yaml", "-q"}, folder);
  CHECK(again.exit_code == 2);
  CHECK_THAT(again.err, Catch::Contains("exists already: finish it with --resume, or remove it to start over (it "
                                        "holds 40 runs)"));
  // Another sweep's database is never replaced, with runs or without.
  execute(folder / "sweep.sqlite", "DELETE FROM runs");
  const RunResult other = run_steppe({"sweep", "sweep.yaml", "--seed", "99"}, folder);
  CHECK(other.exit_code == 2);
  CHECK_THAT(other.err, Catch::Contains("the database holds another sweep"));
}

TEST_CASE("steppe sweep --resume on a file that is not SQLite is an input error and leaves the file", "[cli][sweep]") {
  const fs::path folder = write_sweep("not-sqlite");
  write_text_file(folder / "notes.sqlite", "my notes\n");
  for (const bool resume : {true, false}) {
    INFO("--resume: " << resume);
    std::vector<std::string> args = {"sweep", "sweep.yaml", "--db", "notes.sqlite"};
    if (resume) args.emplace_back("--resume");
    const RunResult result = run_steppe(args, folder);
    CHECK(result.exit_code == 2);
    CHECK(result.err ==
          "notes.sqlite: error: not a SQLite file, so not a sweep database (it is left as it is): name the sweep's "
          "database with --db\n");
    CHECK(read_text_file(folder / "notes.sqlite") == "my notes\n");
  }
  const RunResult exported = run_steppe({"export", "notes.sqlite", "--csv", "csv"}, folder);
  CHECK(exported.exit_code == 2);
  CHECK(exported.err == "notes.sqlite: error: not a steppe sweep database: the file is not SQLite\n");
  CHECK(folder_entries(folder) == std::vector<std::string>{"notes.sqlite", "sweep.yaml"});
}

TEST_CASE("analyze, export and sweep given a folder, or a database in no folder, say so", "[cli][sweep]") {
  const fs::path folder = write_sweep("folder");
  fs::create_directory(folder / "runs");
  for (const std::vector<std::string>& args : {std::vector<std::string>{"export", "runs", "--csv", "csv"},
                                               std::vector<std::string>{"analyze", "runs", "--out", "charts"}}) {
    INFO(args[0]);
    const RunResult result = run_steppe(args, folder);
    CHECK(result.exit_code == 2);
    CHECK(result.err == "runs: error: is a folder, not a sweep database: name the database file in it\n");
  }
  const RunResult swept = run_steppe({"sweep", "sweep.yaml", "--db", "runs"}, folder);
  CHECK(swept.exit_code == 2);
  CHECK(swept.err == "runs: error: is a folder, not a sweep database: name a file with --db\n");
  const RunResult nowhere = run_steppe({"sweep", "sweep.yaml", "--db", "missing/s.sqlite"}, folder);
  CHECK(nowhere.exit_code == 2);
  CHECK(nowhere.err == "missing/s.sqlite: error: its folder does not exist: make it, or name another --db\n");
  CHECK(folder_entries(folder) == std::vector<std::string>{"runs", "sweep.yaml"});
  CHECK(folder_entries(folder / "runs").empty());
}

TEST_CASE("export and analyze leave the folder of the database they read as it was", "[cli][sweep]") {
  const fs::path folder = write_sweep("read-only");
  REQUIRE(run_steppe({"sweep", "sweep.yaml", "-q"}, folder).exit_code == 0);
  const std::vector<std::string> before = folder_entries(folder);
  REQUIRE(before == std::vector<std::string>{"sweep.sqlite", "sweep.yaml"});
  const std::string bytes = read_text_file(folder / "sweep.sqlite");
  const fs::path out = scratch("sweep-errors-read-only-out");
  CHECK(run_steppe({"export", "sweep.sqlite", "--csv", (out / "csv").string(), "-q"}, folder).exit_code == 0);
  CHECK(folder_entries(folder) == before);
  run_steppe({"analyze", "sweep.sqlite", "--out", (out / "charts").string()}, folder);
  CHECK(folder_entries(folder) == before);
  CHECK(read_text_file(folder / "sweep.sqlite") == bytes);
}

TEST_CASE("export of an unfinished sweep exports it and warns with the command that finishes it", "[cli][sweep]") {
  const fs::path folder = write_sweep("unfinished");
  REQUIRE(run_steppe({"sweep", "sweep.yaml", "--set", "beta=0.31", "-q"}, folder).exit_code == 0);
  const auto rows = runs_of(folder / "sweep.sqlite");
  execute(folder / "sweep.sqlite", "DELETE FROM runs WHERE run >= 15");

  // From another folder: the command goes back to the sweep's.
  const fs::path elsewhere = scratch("sweep-errors-elsewhere");
  const std::string database = (folder / "sweep.sqlite").string();
  const RunResult exported = run_steppe({"export", database, "--csv", "csv"}, elsewhere);
  CHECK(exported.exit_code == 0);
  const std::string finish = "cd " + shell_quoted(folder.string()) +
                             " && steppe sweep sweep.yaml --set beta=0.31 --db " + shell_quoted(database) + " --resume";
  CHECK(exported.err == "steppe: warning: " + database + " holds 15 of its 40 runs (the sweep is unfinished): " +
                            "finish it with: " + finish + "\n");
  CHECK(lines_of(read_text_file(elsewhere / "csv" / "runs.csv")).size() == 16);

  REQUIRE(std::system((runnable(command_after(exported.err, "finish it with: ")) + " >/dev/null 2>&1").c_str()) == 0);
  CHECK(runs_of(folder / "sweep.sqlite") == rows);
  const RunResult finished = run_steppe({"export", "sweep.sqlite", "--csv", "csv"}, folder);
  CHECK(finished.exit_code == 0);
  CHECK(finished.err.empty());
}

TEST_CASE("merge names the shards that lack runs and how to finish each", "[cli][sweep][shard]") {
  const fs::path folder = write_sweep("merge");
  for (const std::string shard : {"1/3", "2/3", "3/3"})
    REQUIRE(run_steppe({"sweep", "sweep.yaml", "--shard", shard, "-q"}, folder).exit_code == 0);
  const std::vector<std::string> shards = {"sweep.shard-1-of-3.sqlite", "sweep.shard-2-of-3.sqlite",
                                           "sweep.shard-3-of-3.sqlite"};
  execute(folder / shards[1], "DELETE FROM runs WHERE run % 2 = 0");
  execute(folder / shards[2], "DELETE FROM runs WHERE run > 30");

  const RunResult refused = run_steppe({"merge", "all.sqlite", shards[0], shards[1], shards[2]}, folder);
  CHECK(refused.exit_code == 2);
  CHECK(refused.err ==
        "sweep.shard-2-of-3.sqlite: error: shard 2/3 holds 7 of its 13 runs: finish it with: steppe sweep sweep.yaml "
        "--shard 2/3 --db sweep.shard-2-of-3.sqlite --resume\n"
        "sweep.shard-3-of-3.sqlite: error: shard 3/3 holds 5 of its 14 runs: finish it with: steppe sweep sweep.yaml "
        "--shard 3/3 --db sweep.shard-3-of-3.sqlite --resume\n");
  CHECK_FALSE(fs::exists(folder / "all.sqlite"));

  for (const std::string marker :
       {"shard 2/3 holds 7 of its 13 runs: finish it with: ", "shard 3/3 holds 5 of its 14 runs: finish it with: "}) {
    const std::string command = "cd " + shell_quote(folder.string()) + " && " +
                                runnable(command_after(refused.err, marker)) + " >/dev/null 2>&1";
    REQUIRE(std::system(command.c_str()) == 0);
  }
  const RunResult merged = run_steppe({"merge", "all.sqlite", shards[0], shards[1], shards[2]}, folder);
  CHECK(merged.err.empty());
  CHECK(merged.exit_code == 0);
}

TEST_CASE(
    "a full disk when a finished sweep's log is folded into its database: exit 1 naming it, and --resume "
    "finishes it into one file",
    "[cli][sweep]") {
  const fs::path folder = scratch("sweep-errors-full-at-end");
  write_text_file(folder / "sweep.yaml", "extends: " + (root_folder() / "models/ishigami/example.yaml").string() +
                                             "\nuncertainties:\n  x1: {uniform: [-3.14, 3.14]}\n"
                                             "sweep: {design: monte_carlo, samples: 200000}\n");
  const RunResult whole = run_steppe({"sweep", "sweep.yaml", "-q", "--db", "whole.sqlite"}, folder);
  REQUIRE(whole.exit_code == 0);
  // Two thirds of the database's size: its tables fit, and every run fits in the write-ahead
  // log, but the database file cannot grow to take them in. (prlimit counts bytes in any shell.)
  const auto limit = fs::file_size(folder / "whole.sqlite") * 2 / 3;
  const RunResult full = run_steppe({"sweep", "sweep.yaml", "-q"}, folder, "trap '' XFSZ; ",
                                    "prlimit --fsize=" + std::to_string(limit) + " ");
  CHECK(full.exit_code == 1);
  CHECK_THAT(full.err,
             Catch::StartsWith("steppe: error: ") && Catch::Contains("sweep.sqlite") && Catch::Contains("free space"));
  CHECK_THAT(full.err, Catch::EndsWith("steppe sweep sweep.yaml --db sweep.sqlite --resume\n"));

  const RunResult resumed = run_steppe({"sweep", "sweep.yaml", "--db", "sweep.sqlite", "--resume", "-q"}, folder);
  CHECK(resumed.err.empty());
  CHECK(resumed.exit_code == 0);
  CHECK(folder_entries(folder) == std::vector<std::string>{"sweep.sqlite", "sweep.yaml", "whole.sqlite"});
  CHECK(runs_of(folder / "sweep.sqlite").size() == 200000);
}

TEST_CASE("a full disk while the database is made: exit 1 naming it, and nothing left to block the next run",
          "[cli][sweep]") {
  const fs::path folder = write_sweep("full-disk");
  // `ulimit -f 20` is 10 or 20 KB depending on the shell, less than the database's tables; SIGXFSZ
  // is ignored so that write() fails as on a full disk instead of killing steppe.
  const RunResult full = run_steppe({"sweep", "sweep.yaml"}, folder, "trap '' XFSZ; ulimit -f 20; ");
  CHECK(full.exit_code == 1);
  CHECK_THAT(full.err, Catch::StartsWith("steppe: error: cannot make the sweep database sweep.sqlite: "));
  CHECK_THAT(full.err, Catch::Contains(": free some space on its disk\n") ||
                           Catch::Contains(": check that its disk has free space and works\n"));
  CHECK_THAT(full.err, Catch::EndsWith("steppe: then finish the sweep with: steppe sweep sweep.yaml --db sweep.sqlite "
                                       "--resume\n"));
  CHECK(folder_entries(folder) == std::vector<std::string>{"sweep.yaml"});

  const RunResult fresh = run_steppe({"sweep", "sweep.yaml", "-q"}, folder);
  CHECK(fresh.err.empty());
  CHECK(fresh.exit_code == 0);
}
