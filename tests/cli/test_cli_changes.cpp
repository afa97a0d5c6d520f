// What-ifs in one line, through the real binary: dated --set, --event and --jump on run; compare
// against variants (--with) and across three files; --attribute; where a run with changes writes;
// and the messages for changes typed wrong (exit 2, the wrong part underlined, nothing written).
#include <catch2/catch.hpp>

#include "cli/cli_support.hpp"

using namespace steppe::cli_testing;

TEST_CASE("run with dated changes: the header names them and they land in their own folder", "[cli][changes]") {
  const fs::path cwd = scratch("changes-run");
  fs::create_directory_symlink(root_folder() / "scenarios", cwd / "scenarios");
  const RunResult plain = run_steppe({"run", "scenarios/baseline.yaml", "-q"}, cwd);
  REQUIRE(plain.exit_code == 0);
  const RunResult changed =
      run_steppe({"run", "scenarios/baseline.yaml", "--set", "USA.air_link=1@2030-01", "--set",
                  "CHN.direct_pressure=0.15@2030-01..2030-06", "--event", "leadership_turnover MNG 2029-06"},
                 cwd);
  INFO(changed.err);
  REQUIRE(changed.exit_code == 0);
  CHECK_THAT(changed.out, Catch::StartsWith("Baseline (status quo) with USA.air_link=1@2030-01, "
                                            "CHN.direct_pressure=0.15@2030-01..2030-06, event leadership_turnover MNG "
                                            "2029-06 — third_neighbor"));
  const fs::path folder = cwd / "out" /
                          "baseline+USA.air_link=1@2030-01+CHN.direct_pressure=0.15@2030-01..2030-06+event_"
                          "leadership_turnover_MNG_2029-06";
  REQUIRE(fs::exists(folder / "summary.json"));
  CHECK(read_json(folder / "summary.json").at("scenario").at("changes") ==
        nlohmann::json::array({"USA.air_link=1@2030-01", "CHN.direct_pressure=0.15@2030-01..2030-06",
                               "event leadership_turnover MNG 2029-06"}));
  // The plain run's files are untouched, and differ.
  CHECK(read_json(cwd / "out" / "baseline" / "summary.json").at("scenario").at("changes").empty());
  CHECK(read_text_file(cwd / "out" / "baseline" / "trajectories.csv") != read_text_file(folder / "trajectories.csv"));
}

TEST_CASE("compare a scenario against itself with changes (--with), three sides, with the parts of each difference",
          "[cli][changes][attribute]") {
  const fs::path folder = scratch("changes-with") / "out";
  const RunResult result = run_steppe({"compare", "scenarios/baseline.yaml", "--with",
                                       "USA.air_link=1@2030-01, CHN.direct_pressure=0.15@2030-01..2030-06", "--with",
                                       "CHN.hawkishness=0.9", "--attribute", "--out", folder.string()},
                                      root_folder());
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("A: baseline (scenarios/baseline.yaml)"));
  CHECK_THAT(result.out,
             Catch::Contains("B: baseline + USA.air_link=1@2030-01, CHN.direct_pressure=0.15@2030-01..2030-06"));
  CHECK_THAT(result.out, Catch::Contains("C: baseline + CHN.hawkishness=0.9"));
  CHECK(table_row(result.out, "outcome") == std::vector<std::string>{"outcome", "A", "B", "C", "B − A", "C − A"});
  CHECK_THAT(result.out, Catch::Contains("What makes B − A (Shapley values: exact over 2 settings, 4 scenarios run)"));
  CHECK_THAT(result.out, !Catch::Contains("every side with"));
  CHECK(folder_entries(folder) == std::vector<std::string>{"attribution.json", "attribution.svg", "chart.svg",
                                                           "comparison.json", "trajectories.csv"});
  const nlohmann::json attribution = read_json(folder / "attribution.json");
  const nlohmann::json comparison = read_json(folder / "comparison.json");
  const nlohmann::json& b = attribution.at("attributions").at(0);
  CHECK(b.at("settings") == nlohmann::json::array({"USA.air_link", "CHN.direct_pressure"}));
  CHECK(b.at("method") == "exact");
  for (const auto& [outcome, parts] : b.at("outcomes").items()) {
    INFO(outcome);
    const auto& difference = comparison.at("differences_from_a").at("B").at(outcome);
    if (difference.is_null()) continue;
    double sum = 0;
    for (const auto& [setting, value] : parts.at("contributions").items()) sum += value.get<double>();
    CHECK(sum == Approx(difference.get<double>()).margin(1e-12));
    CHECK(parts.at("difference").get<double>() == Approx(difference.get<double>()).margin(1e-15));
  }
  // The waterfall has a panel per outcome and side, the settings as its steps.
  const std::string svg = read_text_file(folder / "attribution.svg");
  CHECK_THAT(svg, Catch::Contains("MNG.autonomy.final: B − A") && Catch::Contains("MNG.autonomy.final: C − A") &&
                      Catch::Contains(">CHN.direct_pressure<"));
}

TEST_CASE("compare takes three files, and a variant may name another file", "[cli][changes]") {
  const fs::path folder = scratch("changes-three") / "out";
  const RunResult result =
      run_steppe({"compare", "scenarios/baseline.yaml", "scenarios/calibrated.yaml", "scenarios/disengaged.yaml",
                  "--with", "scenarios/calibrated.yaml: USA.quad_plus=1@2027-01..2027-01", "--out", folder.string()},
                 root_folder());
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(table_row(result.out, "outcome") ==
        std::vector<std::string>{"outcome", "A", "B", "C", "D", "B − A", "C − A", "D − A"});
  // Changes given to compare itself apply to every side, and the header says so.
  const RunResult shared = run_steppe({"compare", "scenarios/baseline.yaml", "scenarios/calibrated.yaml", "--set",
                                       "CHN.hawkishness=0.9", "--out", (folder / "shared").string()},
                                      root_folder());
  REQUIRE(shared.exit_code == 0);
  CHECK_THAT(shared.out,
             Catch::Contains("B: calibrated (scenarios/calibrated.yaml)\nevery side with CHN.hawkishness=0.9\n"));
  CHECK_THAT(result.out,
             Catch::Contains("D: calibrated + USA.quad_plus=1@2027-01..2027-01 (scenarios/calibrated.yaml)"));
  const nlohmann::json comparison = read_json(folder / "comparison.json");
  CHECK(comparison.at("scenarios").size() == 4);
  CHECK(comparison.at("differences_from_a").contains("D"));
}

TEST_CASE("changes typed wrong: exit 2, the message with the wrong part underlined, nothing written",
          "[cli][changes][bad]") {
  const fs::path folder = scratch("changes-bad") / "out";
  const auto check_refused = [&](const std::vector<std::string>& args, const std::string& message) {
    std::vector<std::string> all = args;
    all.insert(all.end(), {"--out", folder.string()});
    const RunResult result = run_steppe(all, root_folder());
    INFO(result.err);
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err, Catch::Contains(message));
    CHECK_FALSE(fs::exists(folder));
  };
  check_refused({"run", "scenarios/baseline.yaml", "--set", "USA.air_link=1@2030-13"},
                "--set: error: USA.air_link: expected a date YYYY-MM, got '2030-13'\n"
                "  --set USA.air_link=1@2030-13\n"
                "                       ^^^^^^^\n");
  check_refused({"run", "scenarios/baseline.yaml", "--set", "hawkishness=0.8"},
                "did you mean CHN.hawkishness or RUS.hawkishness?");
  check_refused({"run", "scenarios/baseline.yaml", "--event", "leadership_turnover USA 2029-06"},
                "'leadership_turnover' happens to a focal actor; 'USA' is a partner\n"
                "  --event leadership_turnover USA 2029-06\n"
                "                              ^^^\n");
  check_refused({"compare", "scenarios/baseline.yaml", "--with", "USA.air_link=1, CHN.theta=2@2030-01"},
                "'CHN.theta' is a parameter: it holds one value for the whole run, without dates or a ramp\n"
                "  --with USA.air_link=1, CHN.theta=2@2030-01\n"
                "                                    ^^^^^^^^\n");
  check_refused({"compare", "scenarios/baseline.yaml"},
                "compare: needs two or more scenarios, or a scenario and --with changes to compare it with");
}
