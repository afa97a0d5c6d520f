// `steppe discover` as a user runs it: PRIM on a real sweep database and on CSV files with a
// planted box, the JSON document and the files it writes, and every class of bad input (exit 2,
// a message saying what and where, nothing written).
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "cli_support.hpp"

using namespace steppe;
using namespace steppe::cli_testing;

namespace {

// A Monte Carlo sweep of y = 10 x1 + 5 x2 + x3 + 2 x1 x3 (x4 inert), 2000 runs, in its own folder.
fs::path linear_sweep() {
  static const fs::path folder = [] {
    const fs::path made = scratch("discover-linear");
    write_text_file(made / "sweep.yaml", "extends: " + (root_folder() / "models/linear_effects/example.yaml").string() +
                                             "\nseed: 5\nuncertainties:\n"
                                             "  x1: {uniform: [0, 1]}\n  x2: {uniform: [0, 1]}\n"
                                             "  x3: {uniform: [0, 1]}\n  x4: {uniform: [0, 1]}\n"
                                             "sweep: {design: monte_carlo, samples: 2000, database: runs.sqlite}\n");
    const RunResult sweep = run_steppe({"sweep", "sweep.yaml", "-q"}, made);
    REQUIRE(sweep.exit_code == 0);
    return made;
  }();
  return folder;
}

// 2000 rows of five uniform inputs a–e, y = 1 inside a ∈ [0.2, 0.6] and c > 0.7, else 1 with
// probability 0.03; a team column (red, blue, green) that does not matter; and an outcome z
// that is undefined (empty) in every tenth row.
fs::path planted_csv() {
  static const fs::path file = [] {
    const fs::path made = scratch("discover-csv") / "runs.csv";
    std::mt19937_64 random(12);
    std::uniform_real_distribution<double> uniform(0, 1);
    std::string csv = "a,b,c,d,e,team,y,z\n";
    const char* teams[] = {"red", "blue", "green"};
    for (int row = 0; row < 2000; ++row) {
      double x[5];
      for (double& value : x) value = uniform(random);
      const bool inside = x[0] >= 0.2 && x[0] <= 0.6 && x[2] > 0.7;
      const bool noise = uniform(random) < 0.03;
      for (const double value : x) csv += std::to_string(value) + ",";
      csv += std::string(teams[row % 3]) + "," + (inside || noise ? "1" : "0") + "," +
             (row % 10 == 0 ? "" : std::to_string(x[1])) + "\n";
    }
    write_text_file(made, csv);
    return made;
  }();
  return file;
}

const nlohmann::json& dimension(const nlohmann::json& document, const std::string& name) {
  for (const auto& entry : document["box"]["dimensions"])
    if (entry["name"] == name) return entry;
  FAIL("no dimension " << name);
  static const nlohmann::json none;
  return none;
}

}  // namespace

TEST_CASE("steppe discover on a Monte Carlo sweep restricts the inputs that drive the outcome and writes its files",
          "[cli][discover]") {
  const fs::path folder = linear_sweep();
  const RunResult result =
      run_steppe({"discover", "runs.sqlite", "--where", "system.y.final < 4", "--out", "found"}, folder);
  CHECK(result.err.empty());
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::StartsWith("PRIM on runs.sqlite: monte_carlo design, 2000 runs\n"
                                           "'system.y.final < 4' holds in "));
  // y < 4 needs x1 small (10 x1) and x2 not large (5 x2); x4 does nothing.
  const std::vector<std::string> x1 = table_row(result.out, "x1");
  REQUIRE(x1.size() == 5);
  CHECK_THAT(x1[1], Catch::StartsWith("0.0000 – 0.2"));
  CHECK(table_row(result.out, "x2").size() == 5);
  CHECK(table_row(result.out, "x4")[1] == "(unrestricted)");
  CHECK_THAT(result.out, Catch::EndsWith("wrote found/ : discover.json, trajectory.svg, box.svg\n"));
  CHECK(folder_entries(folder / "found") == std::vector<std::string>{"box.svg", "discover.json", "trajectory.svg"});

  const nlohmann::json document = read_json(folder / "found" / "discover.json");
  CHECK(document["cases"] == 2000);
  CHECK(document["chosen"] == document["knee"]);
  CHECK(dimension(document, "x1")["restricted"] == true);
  CHECK(dimension(document, "x1")["limits"]["upper"].get<double>() < 0.4);
  CHECK(dimension(document, "x1")["quasi_p"].get<double>() < 1e-6);
  CHECK(dimension(document, "x1")["resampled_at_coverage"] == 1.0);
  CHECK(dimension(document, "x4")["restricted"] == false);
  CHECK(dimension(document, "x4")["quasi_p"].is_null());
  const std::string trajectory = read_text_file(folder / "found" / "trajectory.svg");
  CHECK_THAT(trajectory, Catch::Contains("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  CHECK(std::count(trajectory.begin(), trajectory.end(), '\n') > 20);
  CHECK_THAT(trajectory, Catch::Contains("class=\"chosen\""));
  CHECK_THAT(read_text_file(folder / "found" / "box.svg"), Catch::Contains(">x1</text>"));
}

TEST_CASE("steppe discover --json prints the document it writes, and --box picks another box of the trajectory",
          "[cli][discover]") {
  const fs::path folder = linear_sweep();
  const RunResult json = run_steppe(
      {"discover", "runs.sqlite", "--where", "system.y.final < 4", "--json", "--box", "5", "--out", "j"}, folder);
  REQUIRE(json.exit_code == 0);
  const nlohmann::json document = nlohmann::json::parse(json.out);
  CHECK(document == read_json(folder / "j" / "discover.json"));
  for (const char* key :
       {"source", "condition", "cases", "of_interest", "undefined", "options", "knee", "chosen", "trajectory", "box"})
    CHECK(document.contains(key));
  CHECK(document["chosen"] == 5);
  CHECK(document["box"]["box"] == 5);
  CHECK(document["options"]["resampling"] == "bootstrap");
  const auto& trajectory = document["trajectory"];
  REQUIRE(trajectory.size() > 10);
  for (std::size_t index = 1; index < trajectory.size(); ++index)
    CHECK(trajectory[index]["mass"].get<double>() < trajectory[index - 1]["mass"].get<double>());
  for (const char* key : {"box", "coverage", "density", "mass", "cases", "of_interest", "restricted"})
    CHECK(trajectory[0].contains(key));

  // Same seed, same document; --quiet prints nothing but still writes the files.
  const RunResult again = run_steppe(
      {"discover", "runs.sqlite", "--where", "system.y.final < 4", "--json", "--box", "5", "--out", "j"}, folder);
  CHECK(again.out == json.out);
  const RunResult quiet =
      run_steppe({"discover", "runs.sqlite", "--where", "system.y.final < 4", "-q", "--out", "q"}, folder);
  CHECK(quiet.exit_code == 0);
  CHECK(quiet.out.empty());
  CHECK(folder_entries(folder / "q").size() == 3);
}

TEST_CASE("steppe discover on a CSV file recovers the planted box and counts undefined outcomes", "[cli][discover]") {
  const fs::path file = planted_csv();
  const RunResult result = run_steppe({"discover", file.string(), "--inputs", "a,b,c,d,e,team", "--where", "y > 0.5",
                                       "--json", "--out", (file.parent_path() / "out").string()});
  CHECK(result.err.empty());
  REQUIRE(result.exit_code == 0);
  const nlohmann::json document = nlohmann::json::parse(result.out);
  CHECK(document["source"] == "runs.csv: 2000 rows");
  CHECK(dimension(document, "a")["limits"]["lower"].get<double>() == Approx(0.2).margin(0.05));
  CHECK(dimension(document, "a")["limits"]["upper"].get<double>() == Approx(0.6).margin(0.05));
  CHECK(dimension(document, "c")["limits"]["lower"].get<double>() == Approx(0.7).margin(0.05));
  for (const char* inert : {"b", "d", "e", "team"}) CHECK(dimension(document, inert)["restricted"] == false);
  CHECK(dimension(document, "team")["type"] == "categorical");
  CHECK(dimension(document, "team")["range"]["categories"] == nlohmann::json({"red", "blue", "green"}));
  CHECK(document["undefined"] == 0);

  // z is empty in every tenth row: those rows fail the condition and are counted.
  const RunResult undefined = run_steppe({"discover", file.string(), "--inputs", "a,b,c", "--where",
                                          "z < 0.5 and y > 0.5", "--out", (file.parent_path() / "out-z").string()});
  REQUIRE(undefined.exit_code == 0);
  CHECK_THAT(undefined.out, Catch::Contains("; 200 had an outcome of it undefined (counted as not)"));
}

TEST_CASE("steppe discover peels the policy of a policies × scenarios sweep as a category", "[cli][discover]") {
  const fs::path folder = scratch("discover-policies");
  write_text_file(folder / "sweep.yaml",
                  "extends: " + (root_folder() / "scenarios/baseline.yaml").string() +
                      "\nstochastic: true\nseed: 11\nuncertainties:\n"
                      "  CHN.k: {uniform: [0.12, 0.30]}\n  framing_gain: {uniform: [1.0, 3.0]}\n"
                      "sweep:\n  design: latin_hypercube\n  samples: 100\n  policies:\n"
                      "    status_quo: {USA.air_link: 0}\n"
                      "    air_link: {USA.air_link: 1, USA.pme: 0.8}\n"
                      "    maximalist: {USA.air_link: 1, USA.basing: 1, USA.formal_alliance: 1, USA.framing: 1}\n");
  REQUIRE(run_steppe({"sweep", "sweep.yaml", "-q"}, folder).exit_code == 0);
  const RunResult result =
      run_steppe({"discover", "sweep.sqlite", "--where", "MNG.autonomy.final < 0.5", "--json"}, folder);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const nlohmann::json document = nlohmann::json::parse(result.out);
  // Every policy sets USA.air_link: a numeric dimension; the policy itself a categorical one.
  CHECK(dimension(document, "USA.air_link")["type"] == "numeric");
  CHECK(dimension(document, "policy")["type"] == "categorical");
  CHECK(dimension(document, "policy")["range"]["categories"] ==
        nlohmann::json({"status_quo", "air_link", "maximalist"}));
  CHECK(document["cases"] == 300);
  CHECK(fs::exists(folder / "out" / "sweep" / "discover.json"));
}

TEST_CASE("steppe discover refuses bad input with exit 2, a message saying where, and writes nothing",
          "[cli][discover][bad]") {
  const fs::path folder = linear_sweep();
  const std::string csv = planted_csv().string();
  const fs::path bad_csv = scratch("discover-bad-csv");
  write_text_file(bad_csv / "cells.csv", "a,b,y\n0.1,0.2,1\n0.3,oops,0\n");
  write_text_file(bad_csv / "ragged.csv", "a,b,y\n0.1,0.2,1\n0.3,0\n");
  write_text_file(bad_csv / "outcome.csv", "a,b,y\n0.1,0.2,1\n0.3,0.1,yes\n");
  write_text_file(bad_csv / "latin1.csv", "a,b,y\n0.1,0.2,1\n0.3,0.1,0 # caf\xE9\n");
  fs::create_directories(bad_csv / "folder.csv");
  REQUIRE(::mkfifo((bad_csv / "fifo.csv").c_str(), 0600) == 0);  // read, it would wait for a writer
  struct Case {
    std::vector<std::string> args;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {{"runs.sqlite", "--where", "system.y.finall < 4"},
       "--where: error: unknown outcome 'system.y.finall', did you mean 'system.y.final'?"},
      {{"runs.sqlite", "--where", "system.y.final <"}, "--where: error: 'system.y.final <' needs something on both"},
      {{"runs.sqlite", "--where", "system.y.final < 4 or x > 1"}, "only 'and' joins comparisons"},
      {{"runs.sqlite", "--where", "system.y.final < -100"},
       "'system.y.final < -100' holds in none of the 2000 runs: there is nothing to discover"},
      {{"runs.sqlite", "--where", "system.y.final > -100"}, "holds in every one of the 2000 runs"},
      {{"runs.sqlite", "--where", "system.y.final < 4", "--box", "999"},
       "--box: error: box 999 is not on the peeling trajectory, which has boxes 0 to "},
      {{"runs.sqlite", "--where", "system.y.final < 4", "--inputs", "x1"},
       "--inputs: error: applies to CSV files only"},
      {{"absent.sqlite", "--where", "system.y.final < 4"}, "no such sweep database"},
      {{csv, "--where", "y > 0.5"}, "--inputs: error: a CSV file needs --inputs naming its input columns"},
      {{csv, "--inputs", "a,bb", "--where", "y > 0.5"}, "--inputs: error: unknown column 'bb', did you mean 'b'?"},
      {{csv, "--inputs", "a,b", "--where", "yy > 0.5"}, "--where: error: unknown column 'yy', did you mean 'y'?"},
      {{(bad_csv / "cells.csv").string(), "--inputs", "a,b", "--where", "y > 0.5"},
       "cells.csv:3:5: error: 'oops' in column 'b' is not a number"},
      {{(bad_csv / "ragged.csv").string(), "--inputs", "a,b", "--where", "y > 0.5"},
       "ragged.csv:3: error: this row has 2 fields, the header 3"},
      {{(bad_csv / "outcome.csv").string(), "--inputs", "a,b", "--where", "y > 0.5"},
       "outcome.csv:3:9: error: 'yes' in column 'y' is not a number"},
      {{(bad_csv / "latin1.csv").string(), "--inputs", "a,b", "--where", "y > 0.5"},
       "latin1.csv:3:16: error: is not valid UTF-8 (byte 0xE9); save the CSV file as UTF-8"},
      {{(bad_csv / "folder.csv").string(), "--inputs", "a,b", "--where", "y > 0.5"},
       "folder.csv: error: cannot read CSV file: it is a directory, not a regular file"},
      {{(bad_csv / "fifo.csv").string(), "--inputs", "a,b", "--where", "y > 0.5"},
       "fifo.csv: error: cannot read CSV file: it is a named pipe, not a regular file"},
  };
  for (const Case& bad : cases) {
    std::vector<std::string> args = {"discover"};
    args.insert(args.end(), bad.args.begin(), bad.args.end());
    args.insert(args.end(), {"--out", "refused"});
    INFO(args[1] << " " << args[2] << " " << args[3]);
    const RunResult result = run_steppe(args, folder);
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err, Catch::Contains(bad.expected));
    CHECK(result.out.empty());
    CHECK_FALSE(fs::exists(folder / "refused"));
  }
  const RunResult missing_where = run_steppe({"discover", "runs.sqlite"}, folder);
  CHECK(missing_where.exit_code == 2);
  CHECK_THAT(missing_where.err, Catch::Contains("--where is required"));
}

TEST_CASE("analyze, export and discover read a database without changing it or leaving -wal and -shm beside it",
          "[cli][discover][sweep]") {
  const fs::path folder = scratch("read-only-database");
  fs::copy_file(linear_sweep() / "runs.sqlite", folder / "runs.sqlite");
  const std::string before = read_text_file(folder / "runs.sqlite");
  for (const std::vector<std::string>& command :
       {std::vector<std::string>{"analyze", "runs.sqlite", "--json"},
        std::vector<std::string>{"export", "runs.sqlite", "--csv", "tables", "-q"},
        std::vector<std::string>{"discover", "runs.sqlite", "--where", "system.y.final < 4", "-q", "--out", "found"}}) {
    INFO(command.front());
    const RunResult result = run_steppe(command, folder);
    INFO(result.err);
    CHECK(result.exit_code == 0);
    for (const std::string& name : folder_entries(folder)) CHECK(name.find("runs.sqlite-") == std::string::npos);
  }
  CHECK(folder_entries(folder) == std::vector<std::string>{"found", "runs.sqlite", "tables"});
  CHECK(read_text_file(folder / "runs.sqlite") == before);
}
