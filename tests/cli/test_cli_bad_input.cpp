// Bad input to `steppe`: one real bad file per class (tests/cli/bad/), each through both
// `steppe validate FILE` and `steppe run FILE --out DIR`. Every one must exit 2 with ONE clear
// message on stderr — file:line:column, the key path, the problem, a "did you mean" for unknown
// names — and leave the output folder without any file, whether it existed before or not.
// Then the failures that are not in a file: missing and unreadable files, an unwritable output
// folder, bad --set and --months.
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/cli_support.hpp"

namespace {

using namespace steppe::cli_testing;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// What the one error line of a bad file must say.
struct Expected {
  std::string location;                // "bad/NAME.yaml:L:C" (or less when no position applies)
  std::string key_path;                // "" when the message has none
  std::vector<std::string> fragments;  // further text the message must contain
};

void check_one_message(const RunResult& result, const Expected& expected) {
  INFO("stdout: " << result.out);
  INFO("stderr: " << result.err);
  CHECK(result.exit_code == 2);
  CHECK(result.out.empty());
  // ONE message: a single line, "LOCATION: error: KEY.PATH: message"; a change typed on the
  // command line follows it with two more: the change as typed, and carets under the wrong part.
  const std::vector<std::string> lines = lines_of(result.err);
  const bool underlined = lines.size() == 3 && lines[1].starts_with("  --") &&
                          lines[2].find_first_not_of(' ') != std::string::npos &&
                          lines[2].find_first_not_of("^ ") == std::string::npos;
  CHECK((lines.size() == 1 || underlined));
  CHECK_THAT(result.err, Catch::EndsWith("\n"));
  const std::string head = expected.key_path.empty()
                               ? fmt::format("{}: error: ", expected.location)
                               : fmt::format("{}: error: {}: ", expected.location, expected.key_path);
  CHECK_THAT(result.err, Catch::StartsWith(head));
  for (const std::string& fragment : expected.fragments) CHECK_THAT(result.err, Catch::Contains(fragment));
}

// `steppe validate FILE`, then `steppe run FILE --out DIR` into an existing empty folder and
// into one that does not exist, all from tests/cli.
void check_bad_file(const std::string& file, const Expected& expected) {
  {
    INFO("steppe validate " << file);
    check_one_message(run_steppe({"validate", file}), expected);
  }
  const std::string name = fs::path(file).stem().string();
  {
    const fs::path existing = scratch("bad-" + name + "-existing");
    INFO("steppe run " << file << " --out " << existing.string() << " (existing, empty)");
    check_one_message(run_steppe({"run", file, "--out", existing.string()}), expected);
    CHECK(fs::is_directory(existing));
    CHECK(folder_entries(existing).empty());
  }
  {
    const fs::path parent = scratch("bad-" + name + "-missing");
    const fs::path missing = parent / "out";
    INFO("steppe run " << file << " --out " << missing.string() << " (missing)");
    check_one_message(run_steppe({"run", file, "--out", missing.string()}), expected);
    CHECK(folder_entries(missing).empty());
    CHECK(folder_entries(parent).empty());  // not even the folder was made
  }
}

// `steppe run ../../scenarios/baseline.yaml EXTRA... --out DIR` into an empty folder.
RunResult run_baseline_with(const std::vector<std::string>& extra, const std::string& name) {
  const fs::path folder = scratch("bad-option-" + name);
  std::vector<std::string> args = {"run", "../../scenarios/baseline.yaml", "--out", folder.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  RunResult result = run_steppe(args);
  CHECK(folder_entries(folder).empty());
  return result;
}

}  // namespace

// ----- One bad file per class -----------------------------------------------------------------------

TEST_CASE("a YAML syntax error is reported at its line and column", "[cli][bad]") {
  check_bad_file("bad/syntax_error.yaml", {"bad/syntax_error.yaml:5:12", "", {"illegal map value"}});
}

TEST_CASE("an unknown top-level key is reported with did-you-mean 'levers'", "[cli][bad]") {
  check_bad_file("bad/unknown_top_level_key.yaml",
                 {"bad/unknown_top_level_key.yaml:2:1", "levres", {"unknown key 'levres', did you mean 'levers'?"}});
}

TEST_CASE("an unknown actor in a lever name is reported with did-you-mean 'USA.air_link'", "[cli][bad]") {
  check_bad_file("bad/unknown_actor_in_lever.yaml", {"bad/unknown_actor_in_lever.yaml:3:3",
                                                     "levers.USB.air_link",
                                                     {"'USB.air_link'", "did you mean 'USA.air_link'?"}});
}

TEST_CASE("an unknown lever is reported with did-you-mean 'USA.air_link'", "[cli][bad]") {
  check_bad_file("bad/unknown_lever.yaml", {"bad/unknown_lever.yaml:3:3",
                                            "levers.USA.air_lnk",
                                            {"unknown lever 'USA.air_lnk', did you mean 'USA.air_link'?"}});
}

TEST_CASE("an unknown parameter is reported with did-you-mean 'alpha'", "[cli][bad]") {
  check_bad_file(
      "bad/unknown_parameter.yaml",
      {"bad/unknown_parameter.yaml:3:3", "parameters.alpah", {"unknown parameter 'alpah', did you mean 'alpha'?"}});
}

TEST_CASE("an unknown role is reported with did-you-mean 'partner' and the model's roles", "[cli][bad]") {
  check_bad_file("bad/unknown_role.yaml", {"bad/unknown_role.yaml:3:8",
                                           "actors.JPN",
                                           {"unknown role 'partnr', did you mean 'partner'? (roles: focal, "
                                            "neighbor, partner)"}});
}

TEST_CASE("an unknown event kind is reported with did-you-mean and the model's event kinds", "[cli][bad]") {
  // The fifth event of the merged list: the extended baseline has four.
  check_bad_file("bad/unknown_event_kind.yaml",
                 {"bad/unknown_event_kind.yaml:3:26",
                  "events[4].event",
                  {"unknown event kind 'leadership_turnovr', did you mean 'leadership_turnover'? (event kinds: "
                   "leadership_turnover, partner_election)"}});
}

TEST_CASE("an unknown key of a pulse is reported with did-you-mean and a pulse's keys", "[cli][bad]") {
  check_bad_file("bad/unknown_pulse_key.yaml",
                 {"bad/unknown_pulse_key.yaml:3:54",
                  "levers.USA.air_link.pulse.vlaue",
                  {"unknown key 'vlaue', did you mean 'value'? (keys: from, to, value)"}});
}

TEST_CASE("an unknown key of a ramp is reported with a ramp's keys", "[cli][bad]") {
  check_bad_file("bad/unknown_ramp_key.yaml", {"bad/unknown_ramp_key.yaml:3:40",
                                               "levers.USA.air_link.ramp.until",
                                               {"unknown key 'until' (keys: from, to, start, end)"}});
}

TEST_CASE("a lever under initial: is reported as a lever that belongs under levers:", "[cli][bad]") {
  check_bad_file("bad/lever_under_initial.yaml", {"bad/lever_under_initial.yaml:3:3",
                                                  "initial.USA.air_link",
                                                  {"'USA.air_link' is a lever, not a variable: set it under levers:"}});
}

TEST_CASE("a parameter under levers: is reported as a parameter that belongs under parameters:", "[cli][bad]") {
  check_bad_file("bad/parameter_under_levers.yaml",
                 {"bad/parameter_under_levers.yaml:3:3",
                  "levers.alpha",
                  {"'alpha' is a parameter, not a lever: set it under parameters:"}});
}

TEST_CASE("a variable under parameters: is reported as a variable that belongs under initial:", "[cli][bad]") {
  check_bad_file("bad/variable_under_parameters.yaml",
                 {"bad/variable_under_parameters.yaml:3:3",
                  "parameters.MNG.autonomy",
                  {"'MNG.autonomy' is a variable, not a parameter: set it under initial:"}});
}

TEST_CASE("a trigger watching a lever is reported as a lever, not a variable", "[cli][bad]") {
  // A condition can only watch a variable: there is no section to move the name to.
  check_bad_file("bad/trigger_on_lever.yaml",
                 {"bad/trigger_on_lever.yaml:3:12", "triggers[0].when", {"'USA.air_link' is a lever, not a variable"}});
  CHECK_THAT(run_steppe({"validate", "bad/trigger_on_lever.yaml"}).err, !Catch::Contains("set it under"));
}

TEST_CASE("an unknown model is reported with did-you-mean 'third_neighbor'", "[cli][bad]") {
  check_bad_file(
      "bad/unknown_model.yaml",
      {"bad/unknown_model.yaml:3:8", "model", {"unknown model 'third_neighbour', did you mean 'third_neighbor'?"}});
}

TEST_CASE("a map where a number goes is reported as the wrong type", "[cli][bad]") {
  check_bad_file("bad/wrong_type_map.yaml",
                 {"bad/wrong_type_map.yaml:3:10", "parameters.alpha", {"expected a number, got a map"}});
}

TEST_CASE("text where a number goes is reported as the wrong type", "[cli][bad]") {
  check_bad_file("bad/wrong_type_text.yaml",
                 {"bad/wrong_type_text.yaml:3:10", "parameters.alpha", {"expected a number, got 'abc'"}});
}

TEST_CASE("a lever value outside its range (1.5) is reported with the range", "[cli][bad]") {
  check_bad_file("bad/out_of_range_lever.yaml",
                 {"bad/out_of_range_lever.yaml:3:17", "levers.USA.air_link", {"value 1.5 is outside [0, 1]"}});
}

TEST_CASE("a .nan value is reported as not finite", "[cli][bad]") {
  check_bad_file("bad/non_finite_nan.yaml",
                 {"bad/non_finite_nan.yaml:3:10", "parameters.alpha", {"expected a finite number, got '.nan'"}});
}

TEST_CASE("an .inf value is reported as not finite", "[cli][bad]") {
  check_bad_file("bad/non_finite_inf.yaml",
                 {"bad/non_finite_inf.yaml:3:17", "initial.MNG.autonomy", {"expected a finite number, got '.inf'"}});
}

TEST_CASE("a date that does not parse (2025-13) is reported", "[cli][bad]") {
  check_bad_file(
      "bad/bad_date.yaml",
      {"bad/bad_date.yaml:3:18", "levers.USA.air_link.2025-13", {"invalid date '2025-13', expected YYYY-MM"}});
}

TEST_CASE("a date outside the horizon is reported with the horizon", "[cli][bad]") {
  check_bad_file("bad/date_outside_horizon.yaml", {"bad/date_outside_horizon.yaml:3:32",
                                                   "levers.USA.air_link.2035-06",
                                                   {"date 2035-06 is outside the run", "2025-01 to 2034-12"}});
}

TEST_CASE("a schedule whose dates go backwards is reported at the later key", "[cli][bad]") {
  check_bad_file("bad/dates_backwards.yaml", {"bad/dates_backwards.yaml:3:32",
                                              "levers.USA.air_link.2026-01",
                                              {"dates go backwards: 2026-01 is not after 2027-01"}});
}

TEST_CASE("a trigger on a variable that does not exist is reported with did-you-mean", "[cli][bad]") {
  check_bad_file("bad/trigger_unknown_variable.yaml",
                 {"bad/trigger_unknown_variable.yaml:3:11",
                  "triggers[0].when",
                  {"unknown variable 'CHN.coersion', did you mean 'CHN.coercion'?"}});
}

TEST_CASE("a partner whose network has no route to the focal state is named", "[cli][bad][network]") {
  // The file adds JPN with an edge to a dead end: the error points at the partner it names.
  check_bad_file("bad/disconnected_network.yaml",
                 {"bad/disconnected_network.yaml:3:3", "actors.JPN", {"partner 'JPN' cannot reach 'MNG'"}});
}

TEST_CASE("a partner added without any edge is reported in the file that adds it", "[cli][bad][network]") {
  // The file only adds `JPN: partner` (line 3): the error points there, not at the network of
  // the extended baseline, a file the user did not touch.
  const RunResult result = run_steppe({"validate", "bad/disconnected_partner.yaml"});
  INFO(result.err);
  CHECK(result.exit_code == 2);
  CHECK(lines_of(result.err).size() == 1);
  CHECK_THAT(result.err, Catch::Contains("partner 'JPN' cannot reach 'MNG'"));
  CHECK_THAT(result.err, Catch::StartsWith("bad/disconnected_partner.yaml:3:3: error: "));
}

TEST_CASE("an extends of a missing file is reported at the extends value", "[cli][bad][extends]") {
  check_bad_file("bad/extends_missing.yaml",
                 {"bad/extends_missing.yaml:1:10",
                  "extends",
                  {"cannot read scenario file 'bad/no_such_base.yaml'", "No such file or directory"}});
}

TEST_CASE("an extends cycle is reported with the whole cycle", "[cli][bad][extends]") {
  check_bad_file("bad/cycle_a.yaml", {"bad/cycle_b.yaml:1:10",
                                      "extends",
                                      {"extends cycle: bad/cycle_a.yaml -> bad/cycle_b.yaml -> bad/cycle_a.yaml"}});
}

TEST_CASE("a line with non-ASCII text reports the column in characters as editors count", "[cli][bad][column]") {
  // yaml-cpp counts bytes; the note holds an em dash (3 bytes) and a 'ü' (2 bytes) before the
  // misspelt variable, which starts at character 52 of line 3 (byte 55).
  check_bad_file("bad/unicode_column.yaml", {"bad/unicode_column.yaml:3:52",
                                             "events[4].jump.CHN.threat_perceptio",
                                             {"did you mean 'CHN.threat_perception'?"}});
}

// ----- Files that cannot be read ---------------------------------------------------------------------

TEST_CASE("a missing scenario file exits 2 naming the file", "[cli][bad][files]") {
  check_bad_file("bad/no_such_scenario.yaml",
                 {"bad/no_such_scenario.yaml", "", {"cannot read scenario file", "No such file or directory"}});
}

TEST_CASE("a folder given as the scenario exits 2 saying it is a directory", "[cli][bad][files]") {
  check_bad_file("bad", {"bad", "", {"cannot read scenario file: it is a directory"}});
}

TEST_CASE("an unreadable scenario file exits 2 naming the file", "[cli][bad][files]") {
  if (::geteuid() == 0) {
    WARN("running as root: chmod 000 does not block reading, so this check is skipped");
    return;
  }
  const fs::path folder = scratch("unreadable");
  const fs::path file = folder / "unreadable.yaml";
  fs::copy_file(source_path("scenarios/baseline.yaml"), file);
  ::chmod(file.c_str(), 0);
  const RunResult result = run_steppe({"validate", "unreadable.yaml"}, folder);
  ::chmod(file.c_str(), 0644);
  check_one_message(result, {"unreadable.yaml", "", {"cannot read scenario file", "Permission denied"}});
}

// ----- Output folders that cannot be written -----------------------------------------------------------

TEST_CASE("steppe run --out under a regular file exits 2 naming the folder and writes nothing", "[cli][bad][out]") {
  const fs::path folder = scratch("out-under-file");
  const fs::path file = folder / "a_file";
  write_text_file(file, "not a folder\n");
  for (const fs::path& out : {file / "x", file / "x" / "y", file}) {
    INFO("--out " << out.string());
    const RunResult result = run_steppe({"run", "../../scenarios/baseline.yaml", "--out", out.string()});
    check_one_message(result, {out.string(), "--out", {"cannot create output folder"}});
  }
  CHECK(folder_entries(folder) == std::vector<std::string>{"a_file"});
  CHECK(read_text_file(file) == "not a folder\n");

  const RunResult compare = run_steppe(
      {"compare", "../../scenarios/baseline.yaml", "../../scenarios/calibrated.yaml", "--out", (file / "x").string()});
  check_one_message(compare, {(file / "x").string(), "--out", {"cannot create output folder"}});
}

TEST_CASE("steppe run --out /etc/hostname/x exits 2 naming the folder", "[cli][bad][out]") {
  if (!fs::is_regular_file("/etc/hostname")) {
    WARN("/etc/hostname is not a regular file here; skipped");
    return;
  }
  const RunResult result = run_steppe({"run", "../../scenarios/baseline.yaml", "--out", "/etc/hostname/x"});
  check_one_message(result, {"/etc/hostname/x", "--out", {"cannot create output folder"}});
}

TEST_CASE("steppe run --out to a read-only folder exits 2 naming the folder", "[cli][bad][out]") {
  if (::geteuid() == 0) {
    WARN("running as root: a read-only folder is still writable, so this check is skipped");
    return;
  }
  const fs::path folder = scratch("read-only") / "out";
  fs::create_directories(folder);
  ::chmod(folder.c_str(), 0555);
  const RunResult result = run_steppe({"run", "../../scenarios/baseline.yaml", "--out", folder.string()});
  ::chmod(folder.c_str(), 0755);
  check_one_message(result, {folder.string(), "--out", {"not writable"}});
  CHECK(folder_entries(folder).empty());
}

TEST_CASE("a write that fails midway (file size limit) exits 1 and leaves the old files and no temporaries",
          "[cli][bad][out]") {
  // The machine's failure (a full disk, a quota, a size limit), not bad input: exit 1.
  // `ulimit -f 100` is 50 or 100 KB depending on the shell: comparison.json (~10 KB) is written,
  // trajectories.csv (~470 KB) cannot be; SIGXFSZ is ignored so that write() fails instead.
  const std::string limit = "trap '' XFSZ; ulimit -f 100; ";
  const fs::path folder = scratch("write-fails") / "out";
  const RunResult compare = run_steppe({"compare", "../../scenarios/baseline.yaml", "../../scenarios/calibrated.yaml",
                                        "--out", folder.string(), "--quiet"},
                                       cli_folder(), limit);
  INFO(compare.err);
  CHECK(compare.exit_code == 1);
  CHECK(lines_of(compare.err).size() == 1);
  CHECK_THAT(compare.err, Catch::Contains(folder.string()) && Catch::Contains("cannot write"));
  CHECK(folder_entries(folder).empty());

  // Over a complete earlier run, the failed one changes nothing.
  REQUIRE(run_steppe({"run", "../../scenarios/baseline.yaml", "--out", folder.string(), "-q"}).exit_code == 0);
  std::map<std::string, std::string> before;
  for (const std::string& name : folder_entries(folder)) before[name] = read_text_file(folder / name);
  const RunResult run =
      run_steppe({"run", "../../scenarios/baseline.yaml", "--set", "alpha=0.06", "--out", folder.string(), "-q"},
                 cli_folder(), limit);
  CHECK(run.exit_code == 1);
  CHECK(folder_entries(folder) == std::vector<std::string>{"chart.svg", "summary.json", "trajectories.csv"});
  for (const auto& [name, content] : before) {
    INFO(name);
    CHECK(read_text_file(folder / name) == content);
  }
}

TEST_CASE("a failed write names the output file, not its hidden temporary, and what to do", "[cli][bad][out]") {
  // Not the hidden temporary the user never sees, and with the reason ("File too large").
  const fs::path folder = scratch("write-fails-name") / "out";
  const RunResult run = run_steppe({"run", "../../scenarios/baseline.yaml", "--out", folder.string(), "-q"},
                                   cli_folder(), "trap '' XFSZ; ulimit -f 100; ");
  INFO(run.err);
  CHECK(run.exit_code == 1);
  CHECK_THAT(run.err, Catch::Contains((folder / "trajectories.csv").string()) && Catch::Contains("File too large") &&
                          Catch::Contains("free some space, or write elsewhere with --out"));
  CHECK_FALSE(contains(run.err, ".tmp-"));
}

TEST_CASE("an output file blocked by a folder of that name writes none of the files", "[cli][bad][out]") {
  // A folder named chart.svg blocks one of the three files: none is written, exit 2.
  const fs::path folder = scratch("blocked-name") / "out";
  fs::create_directories(folder / "chart.svg" / "keep");
  const RunResult result = run_steppe({"run", "../../scenarios/baseline.yaml", "--out", folder.string(), "-q"});
  INFO(result.err);
  CHECK(result.exit_code == 2);
  CHECK(lines_of(result.err).size() == 1);
  CHECK_THAT(result.err, Catch::Contains(folder.string()));
  CHECK(folder_entries(folder) == std::vector<std::string>{"chart.svg"});
  CHECK(fs::is_directory(folder / "chart.svg" / "keep"));
}

// ----- Bad options --------------------------------------------------------------------------------------

TEST_CASE("steppe run --set without '=' exits 2", "[cli][bad][set]") {
  check_one_message(run_baseline_with({"--set", "alpha"}, "set-no-equals"),
                    {"--set", "", {"expected NAME=VALUE", "  --set alpha\n        ^^^^^\n"}});
  check_one_message(run_baseline_with({"--set", "=0.06"}, "set-no-name"),
                    {"--set", "", {"expected NAME=VALUE", "  --set =0.06\n        ^^^^^\n"}});
  check_one_message(run_baseline_with({"--set", "alpha="}, "set-empty"), {"--set", "", {"expected NAME=VALUE"}});
}

TEST_CASE("steppe run --set of an unknown name exits 2 with a did-you-mean", "[cli][bad][set]") {
  check_one_message(run_baseline_with({"--set", "alpah=0.06"}, "set-unknown"),
                    {"--set", "alpah", {"unknown parameter, variable or lever 'alpah', did you mean 'alpha'?"}});
  check_one_message(run_baseline_with({"--set", "USA.air_lnk=1"}, "set-unknown-lever"),
                    {"--set", "USA.air_lnk", {"did you mean 'USA.air_link'?"}});
}

TEST_CASE("steppe run --set of a non-numeric value exits 2", "[cli][bad][set]") {
  check_one_message(run_baseline_with({"--set", "alpha=abc"}, "set-text"),
                    {"--set", "alpha", {"expected a number, got 'abc'"}});
  check_one_message(run_baseline_with({"--set", "alpha=.nan"}, "set-nan"),
                    {"--set", "alpha", {"expected a finite number"}});
}

TEST_CASE("steppe run --set of a value out of range exits 2 with the range", "[cli][bad][set]") {
  check_one_message(run_baseline_with({"--set", "USA.air_link=1.5"}, "set-lever-range"),
                    {"--set", "USA.air_link", {"value 1.5 is outside [0, 1]"}});
  check_one_message(run_baseline_with({"--set", "MNG.autonomy=2"}, "set-initial-range"),
                    {"--set", "MNG.autonomy", {"value 2 is outside [0, 1]"}});
}

TEST_CASE("a bad --set fails validate and compare too", "[cli][bad][set]") {
  check_one_message(run_steppe({"validate", "../../scenarios/baseline.yaml", "--set", "alpah=0.06"}),
                    {"--set", "alpah", {"did you mean 'alpha'?"}});
  const fs::path folder = scratch("bad-set-compare");
  check_one_message(run_steppe({"compare", "../../scenarios/baseline.yaml", "../../scenarios/calibrated.yaml", "--set",
                                "alpha=abc", "--out", folder.string()}),
                    {"--set", "alpha", {"expected a number"}});
  CHECK(folder_entries(folder).empty());
}

TEST_CASE("steppe run --months 0 and other bad counts exit 2 and write nothing", "[cli][bad][months]") {
  for (const std::vector<std::string>& extra :
       {std::vector<std::string>{"--months", "0"}, {"--months", "6001"}, {"--months", "abc"}, {"--seed", "-1"}}) {
    INFO(extra[0] << " " << extra[1]);
    const RunResult result = run_baseline_with(extra, "count-" + extra[1]);
    CHECK(result.exit_code == 2);
    CHECK(result.out.empty());
    CHECK_THAT(result.err, Catch::Contains(extra[0]));
  }
}

TEST_CASE("a bad second scenario of compare exits 2 and writes nothing", "[cli][bad][compare]") {
  const fs::path folder = scratch("bad-compare");
  const RunResult result =
      run_steppe({"compare", "../../scenarios/baseline.yaml", "bad/unknown_lever.yaml", "--out", folder.string()});
  check_one_message(result, {"bad/unknown_lever.yaml:3:3", "levers.USA.air_lnk", {"did you mean 'USA.air_link'?"}});
  CHECK(folder_entries(folder).empty());
}

TEST_CASE("a negative --seed is rejected with a short readable message", "[cli][bad][seed]") {
  // Not CLI::NonNegativeNumber's 300-digit DBL_MAX bound.
  const RunResult result = run_baseline_with({"--seed", "-1"}, "seed-negative");
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err, Catch::Contains("--seed"));
  CHECK(result.err.size() < 200);
}

// ----- Constraints across values, seeds, documents, internal state -------------------------------------

TEST_CASE("dependence floors that sum to 1 or more are bad input naming the floor the file set", "[cli][bad][model]") {
  check_bad_file("bad/dependence_floors.yaml",
                 {"bad/dependence_floors.yaml",
                  "CHN.D_floor",
                  {"D_floor values sum to 1.02 (CHN.D_floor 0.8 + RUS.D_floor 0.22)", "below 1"}});
}

TEST_CASE("a --set that breaks a sum across values is named, not the other values of the sum", "[cli][bad][model]") {
  check_one_message(run_baseline_with({"--set", "CHN.D_floor=0.78"}, "floors"),
                    {"../../scenarios/baseline.yaml", "CHN.D_floor", {"D_floor values sum to 1", "below 1"}});
  check_one_message(run_baseline_with({"--set", "MNG.dependence.RUS=0.5"}, "dependences"),
                    {"../../scenarios/baseline.yaml",
                     "MNG.dependence.RUS",
                     {"initial dependences on the neighbors sum to 1.085", "MNG.dependence.CHN 0.585", "at most 1"}});
}

TEST_CASE("a neighbor beyond the calibrated two gets neutral defaults and runs", "[cli][run][model]") {
  const fs::path folder = scratch("third-neighbor-kaz");
  const RunResult result = run_steppe({"run", "good/kazakhstan.yaml", "--out", folder.string(), "--json"});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const auto summary = nlohmann::json::parse(result.out);
  CHECK(summary["state"]["MNG.dependence.KAZ"]["start"] == 0.0);
  // Zero dependence on the new neighbor leaves autonomy where the flagship's four actors put it.
  CHECK(summary["outcomes"]["MNG.autonomy.final"].get<double>() == Approx(0.47).margin(0.03));
}

TEST_CASE("a --seed that is not a 64-bit whole number exits 2", "[cli][bad][seed]") {
  check_one_message(run_baseline_with({"--seed", "99999999999999999999"}, "seed-huge"),
                    {"--seed", "seed", {"expected a whole number from 0 to 18446744073709551615"}});
  check_one_message(run_baseline_with({"--seed", "0x10"}, "seed-hex"), {"--seed", "seed", {"got '0x10'"}});
}

TEST_CASE("a file with a second YAML document is refused at the second document", "[cli][bad][yaml]") {
  check_bad_file("bad/two_documents.yaml", {"bad/two_documents.yaml:3:1", "", {"one YAML document"}});
}

TEST_CASE("a jump to the model's internal bookkeeping is refused", "[cli][bad][events]") {
  check_bad_file("bad/jump_internal.yaml",
                 {"bad/jump_internal.yaml:3:26", "events[4].jump.USA.attention_months_left", {"internal bookkeeping"}});
}
