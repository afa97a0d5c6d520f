// The `steppe` command line, end to end: the real binary on the real scenario files. Usage and
// help, `run` and its files (table, trajectories.csv, summary.json, chart.svg), the options
// that change a run, `compare`, `describe`, `validate`, and determinism of the files written.
#include <fmt/format.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "cli/cli_support.hpp"
#include "engine/text.hpp"

namespace {

using namespace steppe::cli_testing;
using nlohmann::json;

// Golden outcomes (docs/model.md §8): MNG.autonomy.final of the deterministic flagship scenarios.
constexpr double baseline_autonomy_final = 0.472429342114;
constexpr double calibrated_autonomy_final = 0.582814628773;

// The default outcomes of third_neighbor expanded over the baseline's actors.
const std::set<std::string> baseline_outcome_names = {
    "MNG.autonomy.final",       "MNG.autonomy.mean",        "CHN.coercion.max",
    "RUS.coercion.max",         "system.tension.final",     "system.crisis.sum",
    "MNG.dependence.CHN.final", "MNG.dependence.RUS.final", "USA.trust.final"};

// Every lever of third_neighbor, in declaration order (docs/model.md §2.3).
const std::vector<std::string> third_neighbor_levers = {"pme",
                                                        "peacekeeping_support",
                                                        "khaan_quest",
                                                        "exercise_observer",
                                                        "equipment_transfer",
                                                        "domain_awareness",
                                                        "development_finance",
                                                        "minerals_partnership",
                                                        "commercial_diplomacy",
                                                        "air_link",
                                                        "education_exchange",
                                                        "governance_support",
                                                        "strategic_dialogue",
                                                        "high_level_visits",
                                                        "quad_plus",
                                                        "convening_support",
                                                        "basing",
                                                        "formal_alliance",
                                                        "new_task_forces",
                                                        "framing",
                                                        "outreach",
                                                        "peacekeeping_deployments",
                                                        "balanced_diplomacy",
                                                        "concession_threshold",
                                                        "hawkishness",
                                                        "inducements",
                                                        "direct_pressure"};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Runs `steppe run SCENARIO --out DIR EXTRA...` from the source root; requires success.
struct RunOutput {
  RunResult result;
  fs::path folder;
  json summary;
  Csv csv;
};

RunOutput run_scenario(const std::string& scenario, const std::string& name,
                       const std::vector<std::string>& extra = {}) {
  RunOutput output;
  output.folder = scratch(name) / "out";
  std::vector<std::string> args = {"run", scenario, "--out", output.folder.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  output.result = run_steppe(args, root_folder());
  INFO(output.result.err);
  REQUIRE(output.result.exit_code == 0);
  output.summary = read_json(output.folder / "summary.json");
  output.csv = read_csv(output.folder / "trajectories.csv");
  return output;
}

}  // namespace

// ----- Usage and help ---------------------------------------------------------------------------

TEST_CASE("steppe --version prints the version and exits 0", "[cli][usage]") {
  const RunResult result = run_steppe({"--version"});
  CHECK(result.exit_code == 0);
  CHECK(result.out == "steppe 0.1.0\n");
  CHECK(result.err.empty());
}

TEST_CASE("steppe --help exits 0 and lists every subcommand and the exit codes", "[cli][usage]") {
  const RunResult result = run_steppe({"--help"});
  CHECK(result.exit_code == 0);
  for (const char* word : {"run", "compare", "describe", "validate", "--version", "--help", "Exit codes"})
    CHECK_THAT(result.out, Catch::Contains(word));
}

TEST_CASE("the --help of each subcommand exits 0 and mentions its options", "[cli][usage]") {
  const std::map<std::string, std::vector<std::string>> options = {
      {"run",
       {"scenario", "--set", "--months", "--seed", "--stochastic", "--deterministic", "--y-range", "--png", "--out",
        "--json", "--quiet"}},
      {"compare",
       {"--set", "--months", "--seed", "--stochastic", "--deterministic", "--y-range", "--png", "--out", "--json",
        "--quiet"}},
      {"describe", {"model", "--network", "--json"}},
      {"validate", {"scenarios", "--set", "--months", "--seed", "--quiet"}}};
  for (const auto& [command, words] : options) {
    const RunResult result = run_steppe({command, "--help"});
    INFO("steppe " << command << " --help");
    CHECK(result.exit_code == 0);
    CHECK(result.err.empty());
    for (const std::string& word : words) CHECK_THAT(result.out, Catch::Contains(word));
  }
}

TEST_CASE("docs/cli.md shows the --help of every command and wargame command as steppe prints it",
          "[cli][usage][docs]") {
  // The commands a --help lists under "Subcommands:", each prefixed with `parent`.
  const auto commands_of = [](const std::string& parent) {
    std::vector<std::string> args;
    if (!parent.empty()) args.push_back(parent);
    args.push_back("--help");
    const RunResult help = run_steppe(args);
    REQUIRE(help.exit_code == 0);
    std::vector<std::string> commands;
    bool listed = false;
    for (const std::string& line : lines_of(help.out)) {
      if (line == "Subcommands:")
        listed = true;
      else if (line.empty())
        listed = false;
      else if (listed)
        commands.push_back((parent.empty() ? "" : parent + " ") + line.substr(2, line.find(' ', 2) - 2));
    }
    return commands;
  };
  std::vector<std::string> commands = commands_of("");
  REQUIRE(commands.size() >= 12);
  REQUIRE(std::find(commands.begin(), commands.end(), "wargame") != commands.end());
  for (const std::string& command : commands_of("wargame")) commands.push_back(command);

  // tools/refresh-docs writes each console command followed by its output.
  const std::string docs = read_text_file(source_path("docs/cli.md"));
  for (const std::string& command : commands) {
    std::vector<std::string> args;
    std::istringstream words(command);
    for (std::string word; words >> word;) args.push_back(word);
    args.push_back("--help");
    const RunResult help = run_steppe(args);
    INFO("steppe " << command << " --help: not in docs/cli.md as printed (tools/refresh-docs writes it)");
    CHECK(help.exit_code == 0);
    CHECK(contains(docs, fmt::format("$ steppe {} --help\n{}", command, help.out)));
  }
}

TEST_CASE("run --help states the random-event defaults that single runs and ensembles follow", "[cli][usage]") {
  const RunResult help = run_steppe({"run", "--help"});
  REQUIRE(help.exit_code == 0);
  CHECK_THAT(help.out, Catch::Contains("the default for ensembles (--members > 1)"));
  CHECK_THAT(help.out, Catch::Contains("the default for a single run unless its scenario says stochastic: true"));
  CHECK_THAT(help.out, !Catch::Contains("what-if"));
  // As said: baseline.yaml has no `stochastic:` key, so it runs deterministic alone and
  // stochastic as an ensemble, unless --deterministic.
  CHECK_FALSE(run_scenario("scenarios/baseline.yaml", "default-single", {"--months", "1", "-q"})
                  .summary.at("stochastic")
                  .get<bool>());
  const auto ensemble = [](const std::string& name, std::vector<std::string> extra) {
    const fs::path folder = scratch(name) / "out";
    std::vector<std::string> args = {
        "run", "scenarios/baseline.yaml", "--months", "1", "--members", "2", "-q", "--out", folder.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    REQUIRE(run_steppe(args, root_folder()).exit_code == 0);
    return read_json(folder / "summary.json").at("stochastic").get<bool>();
  };
  CHECK(ensemble("default-ensemble", {}));
  CHECK_FALSE(ensemble("deterministic-ensemble", {"--deterministic"}));
}

TEST_CASE("steppe with no subcommand exits 2 and says a subcommand is required", "[cli][usage]") {
  const RunResult result = run_steppe({});
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains("subcommand"));
}

TEST_CASE("an unknown flag or subcommand exits 2", "[cli][usage]") {
  CHECK(run_steppe({"--bogus"}).exit_code == 2);
  CHECK(run_steppe({"frobnicate"}).exit_code == 2);
  const RunResult result = run_steppe({"run", "scenarios/baseline.yaml", "--bogus"}, root_folder());
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains("--bogus"));
}

TEST_CASE("a mistyped command or option exits 2 with a did-you-mean, and nothing is run", "[cli][usage]") {
  const fs::path out = scratch("mistyped") / "out";
  for (const auto& [args, message] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"runn", "scenarios/baseline.yaml"}, "unknown command 'runn', did you mean 'run'?"},
           {{"run", "scenarios/baseline.yaml", "--member", "100", "--out", out.string()},
            "unknown option '--member', did you mean '--members'?"},
           {{"run", "scenarios/baseline.yaml", "--out=" + out.string(), "--monhts=12"},
            "unknown option '--monhts', did you mean '--months'?"},
           {{"wargame", "statu", "game"}, "unknown command 'statu', did you mean 'status'?"},
           {{"frobnicate"}, "unknown command 'frobnicate'"}}) {
    const RunResult result = run_steppe(args, root_folder());
    INFO(result.err);
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err, Catch::StartsWith("<command line>: error: " + message));
  }
  CHECK_FALSE(fs::exists(out));
}

TEST_CASE("steppe run without a scenario exits 2", "[cli][usage]") {
  const RunResult result = run_steppe({"run"});
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains("scenario"));
}

TEST_CASE("steppe run --stochastic and --deterministic together exit 2", "[cli][usage]") {
  const fs::path folder = scratch("both-modes") / "out";
  const RunResult result = run_steppe(
      {"run", "scenarios/baseline.yaml", "--stochastic", "--deterministic", "--out", folder.string()}, root_folder());
  CHECK(result.exit_code == 2);
  CHECK(folder_entries(folder).empty());
}

// ----- steppe run ---------------------------------------------------------------------------------

TEST_CASE("steppe run baseline prints the state table and the outcomes", "[cli][run]") {
  const RunOutput run = run_scenario("scenarios/baseline.yaml", "run-table");
  const std::string& out = run.result.out;
  CHECK(run.result.err.empty());
  CHECK_THAT(out, Catch::Contains("Baseline (status quo)"));
  CHECK_THAT(out, Catch::Contains("third_neighbor, 120 months from 2025-01, seed 1"));
  const std::vector<std::string> autonomy = table_row(out, "MNG");
  REQUIRE(autonomy.size() == 5);
  CHECK(autonomy[1] == "autonomy");
  CHECK(autonomy[2] == "0.5000");
  CHECK(autonomy[3] == fmt::format("{:.4f}", baseline_autonomy_final));
  for (const std::string& name : baseline_outcome_names) CHECK_THAT(out, Catch::Contains(name));
  const std::vector<std::string> final_row = table_row(out, "MNG.autonomy.final");
  REQUIRE(final_row.size() == 2);
  CHECK(final_row[1] == "0.4724");
  CHECK_THAT(out, Catch::Contains("wrote " + run.folder.string()));
}

TEST_CASE("steppe run writes exactly trajectories.csv summary.json and chart.svg and no temporaries",
          "[cli][run][files]") {
  const RunOutput run = run_scenario("scenarios/baseline.yaml", "run-files");
  CHECK(folder_entries(run.folder) == std::vector<std::string>{"chart.svg", "summary.json", "trajectories.csv"});
  // No hidden temporary (".name.tmp-PID") is left in the folder or next to it.
  for (const auto& entry : fs::directory_iterator(run.folder.parent_path()))
    CHECK(entry.path().filename().string().front() != '.');
}

TEST_CASE("steppe run --write trajectories.jsonl adds JSON lines with the CSV's values", "[cli][run][files]") {
  const RunOutput run = run_scenario("scenarios/baseline.yaml", "run-jsonl", {"--write", "trajectories.jsonl"});
  CHECK(folder_entries(run.folder) ==
        std::vector<std::string>{"chart.svg", "summary.json", "trajectories.csv", "trajectories.jsonl"});
  const Csv csv = read_csv(run.folder / "trajectories.csv");
  std::map<std::pair<std::string, std::string>, std::string> from_csv;  // (date, ACTOR.variable) → text
  for (const CsvRow& row : csv.rows) from_csv[{row.date, row.actor + "." + row.variable}] = row.value_text;
  std::size_t values = 0;
  for (const std::string& line : lines_of(read_text_file(run.folder / "trajectories.jsonl"))) {
    const json record = json::parse(line);
    for (const auto& [name, value] : record.at("state").items()) {
      INFO(record.at("date") << " " << name);
      CHECK(value.get<double>() == std::stod(from_csv.at({record.at("date").get<std::string>(), name})));
      ++values;
    }
  }
  CHECK(values == csv.rows.size());
}

TEST_CASE("steppe run --write of an unknown file exits 2 with a did-you-mean and creates no folder",
          "[cli][run][files][bad]") {
  const fs::path folder = scratch("run-write-bad") / "never";
  const RunResult result = run_steppe({"run", source_path("scenarios/baseline.yaml").string(), "--write",
                                       "trajectories.json", "--out", folder.string()});
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains("did you mean 'trajectories.jsonl'"));
  CHECK_FALSE(fs::exists(folder));
}

TEST_CASE("a run removes the temporaries a killed run left in its folder, and no live process's", "[cli][run][files]") {
  const fs::path folder = scratch("run-orphans") / "out";
  fs::create_directories(folder);
  // PID 999999999 is above any pid_max, so no process has it; this test's own process is alive.
  const std::string orphan = ".chart.svg.tmp-999999999", live = ".chart.svg.tmp-" + std::to_string(::getpid());
  write_text_file(folder / orphan, "half a chart");
  write_text_file(folder / live, "another run's chart, still being written");
  write_text_file(folder / ".notes.tmp-x", "not a temporary of steppe's");
  REQUIRE(
      run_steppe({"run", source_path("scenarios/baseline.yaml").string(), "--out", folder.string(), "-q"}).exit_code ==
      0);
  CHECK_FALSE(fs::exists(folder / orphan));
  CHECK(fs::exists(folder / live));
  CHECK(fs::exists(folder / ".notes.tmp-x"));
}

TEST_CASE("trajectories.csv has one row per month and non-internal variable from 2025-01 to 2035-01",
          "[cli][run][csv]") {
  const RunOutput run = run_scenario("scenarios/baseline.yaml", "run-csv");
  const Csv& csv = run.csv;
  CHECK(csv.header == "date,member,actor,variable,value");
  CHECK(csv.well_formed);

  // The non-internal variables are exactly the summary's state entries (ACTOR.variable).
  const std::size_t variables = run.summary.at("state").size();
  CHECK(variables == 39);
  CHECK(csv.rows.size() == 121 * variables);
  const std::vector<std::string> dates = csv.dates();
  REQUIRE(dates.size() == 121);
  CHECK(dates.front() == "2025-01");
  CHECK(dates.back() == "2035-01");
  CHECK(dates[12] == "2026-01");
  CHECK(std::set<std::string>(dates.begin(), dates.end()).size() == 121);

  std::map<std::string, std::set<std::string>> names_by_date;
  for (const CsvRow& row : csv.rows) {
    CHECK(row.member == "0");
    names_by_date[row.date].insert(row.actor + "." + row.variable);
  }
  std::set<std::string> state_names;
  for (const auto& [name, value] : run.summary.at("state").items()) state_names.insert(name);
  for (const auto& [date, names] : names_by_date) {
    INFO(date);
    CHECK(names == state_names);
  }
}

TEST_CASE("every CSV value parses back to exactly the double in summary.json", "[cli][run][csv]") {
  const RunOutput run = run_scenario("scenarios/baseline.yaml", "run-roundtrip");
  const json& state = run.summary.at("state");
  const json& outcomes = run.summary.at("outcomes");

  for (const auto& [name, values] : state.items()) {
    const auto dot = name.find('.');
    const std::vector<double> series = run.csv.series(name.substr(0, dot), name.substr(dot + 1));
    INFO(name);
    REQUIRE(series.size() == 121);
    CHECK(series.front() == values.at("start").get<double>());
    CHECK(series.back() == values.at("end").get<double>());
  }

  const std::vector<double> autonomy = run.csv.series("MNG", "autonomy");
  CHECK(autonomy.back() == state.at("MNG.autonomy").at("end").get<double>());
  CHECK(autonomy.back() == outcomes.at("MNG.autonomy.final").get<double>());
  const std::vector<double> coercion = run.csv.series("CHN", "coercion");
  CHECK(*std::max_element(coercion.begin(), coercion.end()) == outcomes.at("CHN.coercion.max").get<double>());
  double sum = 0;
  for (double value : autonomy) sum += value;
  CHECK(std::abs(sum / static_cast<double>(autonomy.size()) - outcomes.at("MNG.autonomy.mean").get<double>()) < 1e-12);
}

TEST_CASE("baseline MNG.autonomy.final matches the golden value 0.472429342114", "[cli][run][golden]") {
  const RunOutput run = run_scenario("scenarios/baseline.yaml", "run-golden");
  CHECK(std::abs(run.summary.at("outcomes").at("MNG.autonomy.final").get<double>() - baseline_autonomy_final) < 1e-9);
}

TEST_CASE("summary.json records the seed and content hash and version and command and the default outcomes",
          "[cli][run][json]") {
  const RunOutput run = run_scenario("scenarios/baseline.yaml", "run-summary");
  const json& summary = run.summary;
  CHECK(summary.at("seed").get<long long>() == 1);
  CHECK(summary.at("stochastic").get<bool>() == false);
  CHECK(summary.at("steppe_version").get<std::string>() == "0.1.0");
  CHECK(summary.at("model").at("name").get<std::string>() == "third_neighbor");
  CHECK(summary.at("start").get<std::string>() == "2025-01");
  CHECK(summary.at("end").get<std::string>() == "2035-01");
  CHECK(summary.at("months").get<int>() == 120);
  const std::string hash = summary.at("scenario").at("content_hash").get<std::string>();
  CHECK(std::regex_match(hash, std::regex("[0-9a-f]{16}")));
  CHECK(summary.at("scenario").at("title").get<std::string>() == "Baseline (status quo)");
  CHECK(summary.at("scenario").at("files") == json::array({"scenarios/baseline.yaml"}));
  const std::string command = summary.at("command").get<std::string>();
  CHECK_THAT(command, Catch::Contains(" run scenarios/baseline.yaml --out "));

  std::set<std::string> names;
  for (const auto& [name, value] : summary.at("outcomes").items()) {
    names.insert(name);
    CHECK(value.is_number());
  }
  CHECK(names == baseline_outcome_names);
}

TEST_CASE("chart.svg is an SVG with the Autonomy Coercion Trust and Tension panels and date labels",
          "[cli][run][svg]") {
  const RunOutput run = run_scenario("scenarios/baseline.yaml", "run-svg");
  const std::string svg = read_text_file(run.folder / "chart.svg");
  CHECK_THAT(svg, Catch::Contains("<svg"));
  CHECK_THAT(svg, Catch::EndsWith("</svg>\n") || Catch::EndsWith("</svg>"));
  for (const char* title : {">Autonomy<", ">Coercion<", ">Trust<", ">Tension<"})
    CHECK_THAT(svg, Catch::Contains(title));
  CHECK_THAT(svg, Catch::Contains(">2025-01<"));
  CHECK_THAT(svg, Catch::Contains(">2035-01<"));
  CHECK_THAT(svg, Catch::Contains("Baseline (status quo)"));
  // One run: no dashed series (the dotted lines are the scenario's elections).
  CHECK_FALSE(std::regex_search(svg, std::regex("<polyline [^>]*stroke-dasharray")));
}

TEST_CASE("steppe run --json prints the JSON summary that is in summary.json", "[cli][run][json]") {
  const RunOutput run = run_scenario("scenarios/baseline.yaml", "run-json", {"--json"});
  CHECK(run.result.err.empty());
  json printed;
  REQUIRE_NOTHROW(printed = json::parse(run.result.out));
  CHECK(printed == run.summary);
  CHECK(std::abs(printed.at("outcomes").at("MNG.autonomy.final").get<double>() - baseline_autonomy_final) < 1e-9);
}

TEST_CASE("steppe run --quiet prints nothing and still writes the files", "[cli][run]") {
  for (const char* flag : {"--quiet", "-q"}) {
    const RunOutput run = run_scenario("scenarios/baseline.yaml", std::string("run-quiet") + flag, {flag});
    CHECK(run.result.out.empty());
    CHECK(run.result.err.empty());
    CHECK(folder_entries(run.folder).size() == 3);
  }
}

TEST_CASE("run and compare with --json --quiet print the JSON they wrote and nothing else", "[cli][run][json]") {
  // --quiet silences what is for people: a script asking for JSON still gets it.
  const RunOutput run = run_scenario("scenarios/baseline.yaml", "run-json-quiet", {"--json", "--quiet"});
  CHECK(run.result.err.empty());
  CHECK(json::parse(run.result.out) == run.summary);

  const fs::path folder = scratch("compare-json-quiet") / "out";
  const RunResult compared = run_steppe(
      {"compare", "scenarios/baseline.yaml", "scenarios/calibrated.yaml", "--out", folder.string(), "--json", "-q"},
      root_folder());
  INFO(compared.err);
  REQUIRE(compared.exit_code == 0);
  CHECK(compared.err.empty());
  CHECK(json::parse(compared.out) == read_json(folder / "comparison.json"));
}

TEST_CASE("steppe run without --out writes to out/<scenario> in the working folder", "[cli][run][files]") {
  const fs::path cwd = scratch("run-default-out");
  const RunResult result = run_steppe({"run", source_path("scenarios/baseline.yaml").string(), "--quiet"}, cwd);
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(folder_entries(cwd) == std::vector<std::string>{"out"});
  CHECK(folder_entries(cwd / "out" / "baseline") ==
        std::vector<std::string>{"chart.svg", "summary.json", "trajectories.csv"});
}

// ----- Options that change a run ------------------------------------------------------------------

TEST_CASE("steppe run --set of two levers changes the outcomes and the content hash", "[cli][run][set]") {
  const RunOutput plain = run_scenario("scenarios/baseline.yaml", "set-plain");
  const RunOutput changed = run_scenario("scenarios/baseline.yaml", "set-levers",
                                         {"--set", "USA.air_link=1", "--set", "CHN.hawkishness=0.8"});
  const json& a = plain.summary.at("outcomes");
  const json& b = changed.summary.at("outcomes");
  CHECK(a.at("MNG.autonomy.final") != b.at("MNG.autonomy.final"));
  CHECK(a.at("CHN.coercion.max") != b.at("CHN.coercion.max"));
  CHECK(a.at("MNG.dependence.CHN.final") != b.at("MNG.dependence.CHN.final"));
  CHECK(plain.summary.at("scenario").at("content_hash") != changed.summary.at("scenario").at("content_hash"));
  CHECK_THAT(changed.summary.at("command").get<std::string>(),
             Catch::Contains("--set USA.air_link=1 --set CHN.hawkishness=0.8"));
}

TEST_CASE("the same --set gives the same content hash and outcomes", "[cli][run][set]") {
  const RunOutput first = run_scenario("scenarios/baseline.yaml", "set-same-1", {"--set", "alpha=0.06"});
  const RunOutput second = run_scenario("scenarios/baseline.yaml", "set-same-2", {"--set", "alpha=0.06"});
  CHECK(first.summary.at("scenario").at("content_hash") == second.summary.at("scenario").at("content_hash"));
  CHECK(first.summary.at("outcomes") == second.summary.at("outcomes"));
}

TEST_CASE("steppe run --set of a parameter (alpha=0.06) changes the run", "[cli][run][set]") {
  const RunOutput plain = run_scenario("scenarios/baseline.yaml", "set-alpha-plain");
  const RunOutput changed = run_scenario("scenarios/baseline.yaml", "set-alpha", {"--set", "alpha=0.06"});
  CHECK(plain.summary.at("outcomes").at("MNG.autonomy.final") !=
        changed.summary.at("outcomes").at("MNG.autonomy.final"));
  // Parameters act from the first step on; the initial state is the same.
  CHECK(changed.csv.series("MNG", "autonomy").front() == 0.5);
}

TEST_CASE("steppe run --set of an initial value (MNG.autonomy=0.45) is the first autonomy in the CSV",
          "[cli][run][set]") {
  const RunOutput run = run_scenario("scenarios/baseline.yaml", "set-initial", {"--set", "MNG.autonomy=0.45"});
  const std::vector<double> autonomy = run.csv.series("MNG", "autonomy");
  REQUIRE_FALSE(autonomy.empty());
  CHECK(autonomy.front() == 0.45);
  CHECK(run.summary.at("state").at("MNG.autonomy").at("start").get<double>() == 0.45);
}

TEST_CASE("steppe run --months 24 on the Richardson example gives 25 months in the CSV from 2025-01 to 2027-01",
          "[cli][run][months]") {
  const RunOutput run = run_scenario("models/richardson/example.yaml", "months-24-richardson", {"--months", "24"});
  const std::vector<std::string> dates = run.csv.dates();
  REQUIRE(dates.size() == 25);
  CHECK(dates.front() == "2025-01");
  CHECK(dates.back() == "2027-01");
  CHECK(run.csv.rows.size() == 25 * 2);
  CHECK(run.summary.at("months").get<int>() == 24);
}

TEST_CASE("steppe run --months 240 lengthens the baseline to 241 months", "[cli][run][months]") {
  const RunOutput run = run_scenario("scenarios/baseline.yaml", "months-240", {"--months", "240"});
  const std::vector<std::string> dates = run.csv.dates();
  REQUIRE(dates.size() == 241);
  CHECK(dates.back() == "2045-01");
}

TEST_CASE("steppe run --months 24 on the baseline gives 25 months in the CSV from 2025-01 to 2027-01",
          "[cli][run][months]") {
  // The baseline's events from 2027-06 on lie past the shortened run: they are valid (the file's
  // own horizon covers them) and simply never fire.
  const RunOutput run = run_scenario("scenarios/baseline.yaml", "months-24", {"--months", "24"});
  const std::vector<std::string> dates = run.csv.dates();
  REQUIRE(dates.size() == 25);
  CHECK(dates.front() == "2025-01");
  CHECK(dates.back() == "2027-01");
  CHECK(run.csv.rows.size() == 25 * run.summary.at("state").size());
  CHECK(run.summary.at("months").get<int>() == 24);
  CHECK(run.summary.at("end").get<std::string>() == "2027-01");
}

TEST_CASE("steppe run --seed 7 is recorded in summary.json and in the content hash", "[cli][run][seed]") {
  const RunOutput plain = run_scenario("scenarios/baseline.yaml", "seed-plain");
  const RunOutput seeded = run_scenario("scenarios/baseline.yaml", "seed-7", {"--seed", "7"});
  CHECK(seeded.summary.at("seed").get<long long>() == 7);
  CHECK(seeded.summary.at("scenario").at("content_hash") != plain.summary.at("scenario").at("content_hash"));
  // A deterministic run draws nothing: the seed does not change it.
  CHECK(seeded.summary.at("outcomes") == plain.summary.at("outcomes"));
}

TEST_CASE("steppe run --stochastic with different seeds gives different trajectories", "[cli][run][seed]") {
  const RunOutput five = run_scenario("scenarios/baseline.yaml", "stochastic-5", {"--stochastic", "--seed", "5"});
  const RunOutput six = run_scenario("scenarios/baseline.yaml", "stochastic-6", {"--stochastic", "--seed", "6"});
  CHECK(five.summary.at("stochastic").get<bool>());
  CHECK(read_text_file(five.folder / "trajectories.csv") != read_text_file(six.folder / "trajectories.csv"));
}

// ----- Determinism and complete replacement -----------------------------------------------------------

TEST_CASE("two runs into the same folder write byte-identical files (determinism)", "[cli][run][files]") {
  const fs::path folder = scratch("determinism") / "out";
  for (const char* scenario : {"scenarios/baseline.yaml", "tests/cli/good/stochastic.yaml"}) {
    INFO(scenario);
    const std::vector<std::string> args = {"run", scenario, "--out", folder.string(), "--quiet"};
    REQUIRE(run_steppe(args, root_folder()).exit_code == 0);
    std::map<std::string, std::string> first;
    for (const std::string& name : folder_entries(folder)) first[name] = read_text_file(folder / name);
    REQUIRE(run_steppe(args, root_folder()).exit_code == 0);
    CHECK(folder_entries(folder) == std::vector<std::string>{"chart.svg", "summary.json", "trajectories.csv"});
    for (const auto& [name, content] : first) {
      INFO(name);
      CHECK(read_text_file(folder / name) == content);
    }
  }
}

TEST_CASE("a run into a folder with older and longer files replaces them completely", "[cli][run][files]") {
  const RunOutput reference = run_scenario("scenarios/baseline.yaml", "replace-reference");
  const fs::path folder = scratch("replace") / "out";
  fs::create_directories(folder);
  const std::string junk(2'000'000, 'x');  // longer than any file of the run
  for (const char* name : {"trajectories.csv", "summary.json", "chart.svg"}) write_text_file(folder / name, junk);
  write_text_file(folder / "notes.txt", "mine\n");

  const RunResult result =
      run_steppe({"run", "scenarios/baseline.yaml", "--out", folder.string(), "-q"}, root_folder());
  REQUIRE(result.exit_code == 0);
  CHECK(folder_entries(folder) ==
        std::vector<std::string>{"chart.svg", "notes.txt", "summary.json", "trajectories.csv"});
  CHECK(read_text_file(folder / "trajectories.csv") == read_text_file(reference.folder / "trajectories.csv"));
  CHECK(read_text_file(folder / "chart.svg") == read_text_file(reference.folder / "chart.svg"));
  CHECK(read_json(folder / "summary.json").at("outcomes") == reference.summary.at("outcomes"));
  CHECK(read_text_file(folder / "notes.txt") == "mine\n");
}

TEST_CASE("a run whose state turns non-finite exits 1 and writes no files", "[cli][run][failure]") {
  // Richardson with reaction far above restraint explodes; over 6000 months it overflows.
  const fs::path folder = scratch("run-fails") / "out";
  const RunResult result = run_steppe(
      {"run", "models/richardson/example.yaml", "--set", "BLUE.restraint=0", "--set", "RED.restraint=0", "--set",
       "BLUE.reaction.RED=5", "--set", "RED.reaction.BLUE=5", "--months", "6000", "--out", folder.string()},
      root_folder());
  CHECK(result.exit_code == 1);
  CHECK(result.out.empty());
  CHECK(lines_of(result.err).size() == 1);
  CHECK_THAT(result.err, Catch::StartsWith("steppe: error: ") && Catch::Contains("non-finite"));
  CHECK(folder_entries(folder).empty());
}

// ----- steppe compare -------------------------------------------------------------------------------------

TEST_CASE("steppe compare baseline calibrated shows both labels and B minus A rounded to 4 decimals",
          "[cli][compare]") {
  const fs::path folder = scratch("compare-table") / "out";
  const RunResult result = run_steppe(
      {"compare", "scenarios/baseline.yaml", "scenarios/calibrated.yaml", "--out", folder.string()}, root_folder());
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(result.err.empty());
  CHECK_THAT(result.out, Catch::Contains("A: baseline (scenarios/baseline.yaml)"));
  CHECK_THAT(result.out, Catch::Contains("B: calibrated (scenarios/calibrated.yaml)"));
  const std::vector<std::string> header = table_row(result.out, "outcome");
  CHECK(header == std::vector<std::string>{"outcome", "A", "B", "B − A"});
  const std::vector<std::string> row = table_row(result.out, "MNG.autonomy.final");
  CHECK(row == std::vector<std::string>{"MNG.autonomy.final", "0.4724", "0.5828", "+0.1104"});
  for (const std::string& name : baseline_outcome_names) CHECK(table_row(result.out, name).size() == 4);
}

TEST_CASE("steppe compare writes comparison.json, both trajectories in one file and a chart", "[cli][compare][files]") {
  const fs::path folder = scratch("compare-files") / "out";
  const RunResult result = run_steppe(
      {"compare", "scenarios/baseline.yaml", "scenarios/calibrated.yaml", "--out", folder.string()}, root_folder());
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(folder_entries(folder) == std::vector<std::string>{"chart.svg", "comparison.json", "trajectories.csv"});

  const json comparison = read_json(folder / "comparison.json");
  const json& summary_a = comparison.at("scenarios").at(0).at("summary");
  const json& summary_b = comparison.at("scenarios").at(1).at("summary");
  CHECK(comparison.at("scenarios").at(1).at("label") == "calibrated");
  CHECK(comparison.at("scenarios").at(1).at("file") == "scenarios/calibrated.yaml");
  const double a = summary_a.at("outcomes").at("MNG.autonomy.final").get<double>();
  const double b = summary_b.at("outcomes").at("MNG.autonomy.final").get<double>();
  const double difference = comparison.at("differences_from_a").at("B").at("MNG.autonomy.final").get<double>();
  CHECK(std::abs(a - baseline_autonomy_final) < 1e-9);
  CHECK(std::abs(b - calibrated_autonomy_final) < 1e-9);
  CHECK(difference == b - a);
  CHECK(std::abs(difference - (calibrated_autonomy_final - baseline_autonomy_final)) < 1e-9);
  for (const auto& [name, value] : comparison.at("differences_from_a").at("B").items()) {
    INFO(name);
    CHECK(value.get<double>() ==
          summary_b.at("outcomes").at(name).get<double>() - summary_a.at("outcomes").at(name).get<double>());
  }
  CHECK(comparison.at("steppe_version").get<std::string>() == "0.1.0");
  CHECK_THAT(comparison.at("command").get<std::string>(), Catch::Contains(" compare "));

  CHECK(read_text_file(folder / "trajectories.csv").starts_with("scenario,date,member,actor,variable,value\n"));
  const Csv csv_a = csv_of_text(side_of(folder / "trajectories.csv", "baseline"));
  const Csv csv_b = csv_of_text(side_of(folder / "trajectories.csv", "calibrated"));
  CHECK(csv_a.well_formed);
  CHECK(csv_b.well_formed);
  CHECK(csv_a.series("MNG", "autonomy").back() == a);
  CHECK(csv_b.series("MNG", "autonomy").back() == b);

  const std::string svg = read_text_file(folder / "chart.svg");
  CHECK_THAT(svg, Catch::Contains("<svg"));
  CHECK_THAT(svg, Catch::Contains("stroke-dasharray"));  // RUS, beside CHN in the same colour
  CHECK_THAT(svg, Catch::Contains("MNG (baseline)"));
  CHECK_THAT(svg, Catch::Contains("MNG (calibrated)"));
}

TEST_CASE("compare's trajectories.csv holds each side's run's trajectories.csv byte for byte",
          "[cli][compare][files]") {
  const RunOutput run = run_scenario("scenarios/baseline.yaml", "compare-same-run");
  const fs::path folder = scratch("compare-same") / "out";
  REQUIRE(
      run_steppe({"compare", "scenarios/baseline.yaml", "scenarios/calibrated.yaml", "--out", folder.string(), "-q"},
                 root_folder())
          .exit_code == 0);
  CHECK(side_of(folder / "trajectories.csv", "baseline") == read_text_file(run.folder / "trajectories.csv"));
}

TEST_CASE("steppe compare --json prints comparison.json and two files with one stem are labelled A and B",
          "[cli][compare][json]") {
  const fs::path folder = scratch("compare-json") / "out";
  const RunResult result = run_steppe(
      {"compare", "scenarios/baseline.yaml", "tests/cli/good/baseline.yaml", "--out", folder.string(), "--json"},
      root_folder());
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  json printed;
  REQUIRE_NOTHROW(printed = json::parse(result.out));
  CHECK(printed == read_json(folder / "comparison.json"));
  CHECK(printed.at("differences_from_a").at("B").at("MNG.autonomy.final").get<double>() != 0);
  CHECK(printed.at("scenarios").at(0).at("label") == "A: baseline");
  CHECK(printed.at("scenarios").at(1).at("label") == "B: baseline");

  const RunResult table = run_steppe(
      {"compare", "scenarios/baseline.yaml", "tests/cli/good/baseline.yaml", "--out", folder.string()}, root_folder());
  REQUIRE(table.exit_code == 0);
  CHECK(table_row(table.out, "outcome") == std::vector<std::string>{"outcome", "A", "B", "B − A"});
}

// ----- steppe describe -------------------------------------------------------------------------------------

TEST_CASE("steppe describe lists every registered model", "[cli][describe]") {
  const RunResult result = run_steppe({"describe"});
  CHECK(result.exit_code == 0);
  CHECK(table_row(result.out, "third_neighbor").size() == 3);
  CHECK(table_row(result.out, "richardson").size() == 3);

  const RunResult as_json = run_steppe({"describe", "--json"});
  CHECK(as_json.exit_code == 0);
  std::set<std::string> names;
  for (const json& model : json::parse(as_json.out)) names.insert(model.at("name").get<std::string>());
  // Every model folder with an example scenario is a registered model (function_model is a base).
  std::set<std::string> folders;
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(STEPPE_SOURCE_DIR) / "models"))
    if (std::filesystem::exists(entry.path() / "example.yaml")) folders.insert(entry.path().filename().string());
  CHECK(names == folders);
  CHECK(names.count("third_neighbor") == 1);
}

TEST_CASE("steppe describe third_neighbor shows every lever and the parameters and the event kinds",
          "[cli][describe]") {
  const RunResult result = run_steppe({"describe", "third_neighbor"});
  REQUIRE(result.exit_code == 0);
  for (const std::string& lever : third_neighbor_levers) {
    INFO(lever);
    CHECK(table_row(result.out, lever).size() >= 6);
  }
  const std::vector<std::string> alpha = table_row(result.out, "alpha");
  REQUIRE(alpha.size() >= 3);
  CHECK(alpha[2] == "0.05");
  const std::vector<std::string> theta = table_row(result.out, "theta");
  REQUIRE(theta.size() >= 3);
  CHECK(theta[1] == "neighbor");
  CHECK(theta[2] == "2 (CHN 2, RUS 2.4)");
  CHECK(table_row(result.out, "leadership_turnover").size() >= 3);
  CHECK(table_row(result.out, "partner_election").size() >= 3);
  for (const char* section : {"Roles", "State variables", "Levers", "Parameters", "Event kinds", "Default outcomes"})
    CHECK_THAT(result.out, Catch::Contains(section));
}

TEST_CASE("steppe describe third_neighbor wraps its tables to COLUMNS, else to 100 columns off a terminal",
          "[cli][describe]") {
  // The width is counted in characters, not bytes: the tables hold em dashes and "×".
  const auto widest = [](const std::string& text) {
    std::size_t widest = 0;
    for (const std::string& line : lines_of(text)) widest = std::max(widest, steppe::utf8_length(line));
    return widest;
  };
  const RunResult narrow = run_steppe({"describe", "third_neighbor"}, cli_folder(), "", "COLUMNS=80 ");
  REQUIRE(narrow.exit_code == 0);
  CHECK(widest(narrow.out) <= 80);
  CHECK(widest(narrow.out) > 70);  // the help texts fill the width they have
  // Wrapping loses no word: a lever's whole help text is still there, on several lines.
  CHECK(table_row(narrow.out, "air_link").size() >= 6);

  const RunResult piped = run_steppe({"describe", "third_neighbor"}, cli_folder(), "", "env -u COLUMNS ");
  REQUIRE(piped.exit_code == 0);
  CHECK(widest(piped.out) <= 100);
  CHECK(widest(piped.out) > 90);
  CHECK(lines_of(piped.out).size() < lines_of(narrow.out).size());
}

TEST_CASE("steppe describe third_neighbor --json parses and has the 27 levers", "[cli][describe][json]") {
  const RunResult result = run_steppe({"describe", "third_neighbor", "--json"});
  REQUIRE(result.exit_code == 0);
  json declaration;
  REQUIRE_NOTHROW(declaration = json::parse(result.out));
  CHECK(declaration.at("name").get<std::string>() == "third_neighbor");
  REQUIRE(declaration.at("levers").size() == 27);
  std::vector<std::string> levers;
  for (const json& lever : declaration.at("levers")) levers.push_back(lever.at("name").get<std::string>());
  CHECK(levers == third_neighbor_levers);
  bool theta_found = false;
  for (const json& parameter : declaration.at("parameters"))
    if (parameter.at("name") == "theta") {
      theta_found = true;
      CHECK(parameter.at("actor_defaults").at("CHN").get<double>() == 2.0);
      CHECK(parameter.at("actor_defaults").at("RUS").get<double>() == 2.4);
    }
  CHECK(theta_found);
  std::set<std::string> events;
  for (const json& event : declaration.at("event_kinds")) events.insert(event.at("name").get<std::string>());
  CHECK(events == std::set<std::string>{"leadership_turnover", "partner_election"});
}

TEST_CASE("steppe describe of an unknown model exits 2 with a did-you-mean", "[cli][describe][bad]") {
  const RunResult result = run_steppe({"describe", "third_neighbr"});
  CHECK(result.exit_code == 2);
  CHECK(result.out.empty());
  CHECK(lines_of(result.err).size() == 1);
  CHECK_THAT(result.err, Catch::Contains("unknown model 'third_neighbr', did you mean 'third_neighbor'?"));
}

TEST_CASE("steppe describe --network shows the CHN and RUS shares of USA's route capacity", "[cli][describe]") {
  // Capacity 0.9 + 0.9 + 0.6 + 0.8 = 3.2; without CHN 0.9 + 0.8·0.7 = 1.46, without RUS 0.9 + 0.6
  // + 0.8·0.7 = 2.06.
  const double chn = 1 - 1.46 / 3.2, rus = 1 - 2.06 / 3.2;
  const RunResult as_json = run_steppe({"describe", "--network", "scenarios/baseline.yaml", "--json"}, root_folder());
  REQUIRE(as_json.exit_code == 0);
  const json report = json::parse(as_json.out);
  CHECK(report.at("routes").at("USA").get<int>() == 4);
  std::map<std::string, double> shares;
  for (const json& control : report.at("control")) {
    CHECK(control.at("partner").get<std::string>() == "USA");
    shares[control.at("neighbor").get<std::string>()] = control.at("capacity_share").get<double>();
  }
  REQUIRE(shares.size() == 2);
  CHECK(std::abs(shares["CHN"] - chn) < 1e-12);
  CHECK(std::abs(shares["RUS"] - rus) < 1e-12);

  const RunResult table = run_steppe({"describe", "--network", "scenarios/baseline.yaml"}, root_folder());
  REQUIRE(table.exit_code == 0);
  const std::vector<std::string> chn_row = table_row(table.out, "CHN");
  const std::vector<std::string> rus_row = table_row(table.out, "RUS");
  REQUIRE(chn_row.size() == 4);
  REQUIRE(rus_row.size() == 4);
  CHECK(chn_row[1] == "USA");
  // 0.54375 exactly, but its nearest double lies just below: printed rounded, that is 0.5437.
  CHECK(chn_row[2] == fmt::format("{:.4f}", shares["CHN"]));
  CHECK((chn_row[2] == "0.5437" || chn_row[2] == "0.5438"));
  CHECK(rus_row[2] == "0.3563");
  CHECK(table_row(table.out, "USA") == std::vector<std::string>{"USA", "4"});
}

TEST_CASE("steppe describe --network of a model without a network exits 2", "[cli][describe][bad]") {
  const RunResult result = run_steppe({"describe", "--network", "models/richardson/example.yaml"}, root_folder());
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains("models/richardson/example.yaml") && Catch::Contains("uses no network"));
}

// ----- steppe validate, and every shipped scenario runs ------------------------------------------------------

namespace {

// scenarios/*.yaml, examples/*.yaml and models/*/example.yaml, relative to the source root.
std::vector<std::string> shipped_scenarios() {
  std::vector<std::string> files;
  for (const std::string folder : {"scenarios", "examples"})
    for (const auto& entry : fs::directory_iterator(source_path(folder)))
      if (entry.path().extension() == ".yaml") files.push_back(folder + "/" + entry.path().filename().string());
  for (const auto& entry : fs::directory_iterator(source_path("models")))
    if (fs::exists(entry.path() / "example.yaml"))
      files.push_back("models/" + entry.path().filename().string() + "/example.yaml");
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("steppe validate says ok for every shipped scenario example and model example", "[cli][validate]") {
  const std::vector<std::string> files = shipped_scenarios();
  REQUIRE(files.size() >= 10);
  for (const std::string& file : files) {
    INFO(file);
    const RunResult result = run_steppe({"validate", file}, root_folder());
    CHECK(result.exit_code == 0);
    CHECK(result.err.empty());
    CHECK_THAT(result.out, Catch::StartsWith(file + ": ok ("));
  }
  std::vector<std::string> all = {"validate"};
  all.insert(all.end(), files.begin(), files.end());
  const RunResult together = run_steppe(all, root_folder());
  CHECK(together.exit_code == 0);
  CHECK(lines_of(together.out).size() == files.size());
}

TEST_CASE("every shipped scenario example and model example runs", "[cli][run][validate]") {
  for (const std::string& file : shipped_scenarios()) {
    INFO(file);
    const fs::path folder =
        scratch("shipped-" + fs::path(file).parent_path().filename().string() + "-" + fs::path(file).stem().string());
    const RunResult result = run_steppe({"run", file, "--out", folder.string(), "--quiet"}, root_folder());
    CHECK(result.exit_code == 0);
    CHECK(result.err.empty());
    CHECK(folder_entries(folder) == std::vector<std::string>{"chart.svg", "summary.json", "trajectories.csv"});
    CHECK(read_csv(folder / "trajectories.csv").well_formed);
  }
}

TEST_CASE("steppe validate of good and bad files says ok for the good and reports the bad and exits 2",
          "[cli][validate][bad]") {
  const RunResult result =
      run_steppe({"validate", "good/stochastic.yaml", "bad/unknown_lever.yaml", "good/baseline.yaml"});
  CHECK(result.exit_code == 2);
  CHECK(lines_of(result.out) ==
        std::vector<std::string>{"good/stochastic.yaml: ok (third_neighbor, 4 actors, 120 months from 2025-01)",
                                 "good/baseline.yaml: ok (third_neighbor, 4 actors, 120 months from 2025-01)"});
  CHECK(lines_of(result.err).size() == 1);
  CHECK_THAT(result.err, Catch::StartsWith("bad/unknown_lever.yaml:3:3: error: "));
}

TEST_CASE("steppe validate --quiet prints nothing for good files", "[cli][validate]") {
  const RunResult result = run_steppe({"validate", "--quiet", "good/stochastic.yaml", "good/baseline.yaml"});
  CHECK(result.exit_code == 0);
  CHECK(result.out.empty());
  CHECK(result.err.empty());
}

// The annotated example of docs/scenario-format.md is a real scenario: it validates and runs as
// an ensemble with its uncertainties.
TEST_CASE("the annotated scenario in docs/scenario-format.md validates and runs as an ensemble",
          "[cli][validate][docs]") {
  const std::string doc = read_text_file(root_folder() / "docs" / "scenario-format.md");
  const auto start = doc.find("```yaml\n");
  REQUIRE(start != std::string::npos);
  const auto end = doc.find("```", start + 8);
  REQUIRE(end != std::string::npos);
  const fs::path folder = scratch("scenario-format-example");
  write_text_file(folder / "example.yaml", doc.substr(start + 8, end - start - 8));

  const RunResult validated = run_steppe({"validate", "example.yaml"}, folder);
  CHECK(validated.err.empty());
  CHECK(validated.exit_code == 0);
  const RunResult ensemble =
      run_steppe({"run", "example.yaml", "--members", "200", "--months", "24", "--out", "out", "--quiet"}, folder);
  CHECK(ensemble.err.empty());
  REQUIRE(ensemble.exit_code == 0);
  const std::vector<std::string> rows = lines_of(read_text_file(folder / "out" / "outcomes.csv"));
  REQUIRE(rows.size() == 201);
  CHECK_THAT(rows.front(), Catch::StartsWith("member,CHN.k,USA.trust,"));
  for (const std::string& row : rows) CHECK(split(row, ',').size() == split(rows.front(), ',').size());
}
