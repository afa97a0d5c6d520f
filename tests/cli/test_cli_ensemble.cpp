// `steppe run --members N` and `steppe compare --members N` end to end: the real binary on the
// shipped scenarios. The ensemble table and files (bands.csv, outcomes.csv, summary.json,
// chart.svg, trajectories.csv), statistics recomputed from outcomes.csv, determinism across
// threads, block sizes and seeds, deterministic ensembles against the golden what-if run, the
// --keep-trajectories guard, --json and --quiet, compare with common random numbers, Ctrl-C,
// and bad ensemble options.
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "cli/cli_support.hpp"

namespace {

using namespace steppe::cli_testing;
using nlohmann::json;

// Golden outcome (docs/model.md §8): MNG.autonomy.final of the deterministic calibrated scenario.
constexpr double calibrated_autonomy_final = 0.582814628773;

// The statistic and quantile columns of bands.csv, in file order, per (date, actor, variable).
const std::vector<std::pair<std::string, std::string>> band_statistics = {{"quantile", "0.05"}, {"quantile", "0.25"},
                                                                          {"quantile", "0.5"},  {"quantile", "0.75"},
                                                                          {"quantile", "0.95"}, {"mean", ""}};

// The number a text spells; false unless all of it parses.
bool parse_number(const std::string& text, double& value) {
  char* end = nullptr;
  value = std::strtod(text.c_str(), &end);
  return !text.empty() && end == text.c_str() + text.size();
}

// A comma-separated file as a header and rows of fields.
struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  // The index of a header name; -1 when absent.
  int column(const std::string& name) const {
    const auto found = std::find(header.begin(), header.end(), name);
    return found == header.end() ? -1 : static_cast<int>(found - header.begin());
  }
};

Table read_table(const fs::path& file) {
  Table table;
  const std::vector<std::string> lines = lines_of(read_text_file(file));
  if (lines.empty()) return table;
  table.header = split(lines.front(), ',');
  for (std::size_t index = 1; index < lines.size(); ++index) table.rows.push_back(split(lines[index], ','));
  return table;
}

// The values of a column of outcomes.csv (NaN written as "NaN" parses as NaN).
std::vector<double> column_values(const Table& table, const std::string& name) {
  const int column = table.column(name);
  std::vector<double> values;
  if (column < 0) return values;
  for (const auto& row : table.rows) {
    double value = 0;
    values.push_back(parse_number(row.at(static_cast<std::size_t>(column)), value) ? value : std::nan(""));
  }
  return values;
}

// Linear interpolation between order statistics (Hyndman–Fan type 7, numpy's default).
double quantile_of_sorted(const std::vector<double>& sorted, double q) {
  const double position = q * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  return sorted[below] + (position - static_cast<double>(below)) * (sorted[above] - sorted[below]);
}

// Runs `steppe ARGS...` from the source root.
RunResult run_from_root(const std::vector<std::string>& args) { return run_steppe(args, root_folder()); }

// Runs `steppe run scenarios/calibrated.yaml --out DIR EXTRA...`; requires success.
fs::path run_calibrated(const std::string& name, const std::vector<std::string>& extra,
                        RunResult* result_out = nullptr) {
  const fs::path folder = scratch("ens-" + name) / "out";
  std::vector<std::string> args = {"run", "scenarios/calibrated.yaml", "--out", folder.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  const RunResult result = run_from_root(args);
  INFO("steppe run calibrated " << name << ": " << result.err);
  REQUIRE(result.exit_code == 0);
  if (result_out) *result_out = result;
  return folder;
}

// No hidden temporary (".name.tmp-PID") is left in the folder or next to it.
void check_no_temporaries(const fs::path& folder) {
  for (const fs::path& place : {folder, folder.parent_path()}) {
    if (!fs::is_directory(place)) continue;
    for (const auto& entry : fs::directory_iterator(place)) {
      INFO(entry.path());
      CHECK(entry.path().filename().string().front() != '.');
    }
  }
}

}  // namespace

// ----- steppe run --members: the table and the files ----------------------------------------------

TEST_CASE("steppe run calibrated --members 2000 prints the ensemble table and writes its four files",
          "[cli][ensemble]") {
  RunResult result;
  const fs::path folder = run_calibrated("run-2000", {"--members", "2000"}, &result);
  CHECK(result.err.empty());
  const std::string& out = result.out;
  CHECK_THAT(out, Catch::Contains("Calibrated engagement (the Recommendations)"));
  CHECK_THAT(out, Catch::Contains("2000 members"));
  CHECK_THAT(out, Catch::Contains("stochastic"));
  CHECK_THAT(out, Catch::Contains("seed 1"));
  CHECK(table_row(out, "outcome") == std::vector<std::string>{"outcome", "median", "5%", "95%", "mean"});
  CHECK_THAT(out, Catch::Contains("wrote " + folder.string()));

  CHECK(folder_entries(folder) == std::vector<std::string>{"bands.csv", "chart.svg", "outcomes.csv", "summary.json"});
  check_no_temporaries(folder);

  // The table shows summary.json's statistics rounded to 4 decimals.
  const json summary = read_json(folder / "summary.json");
  REQUIRE(summary.at("outcomes").size() > 0);
  for (const auto& [name, statistics] : summary.at("outcomes").items()) {
    INFO(name);
    const std::vector<std::string> row = table_row(out, name);
    REQUIRE(row.size() == 5);
    CHECK(row[1] == fmt::format("{:.4f}", statistics.at("median").get<double>()));
    CHECK(row[2] == fmt::format("{:.4f}", statistics.at("q05").get<double>()));
    CHECK(row[3] == fmt::format("{:.4f}", statistics.at("q95").get<double>()));
    CHECK(row[4] == fmt::format("{:.4f}", statistics.at("mean").get<double>()));
  }
  CHECK(table_row(out, "MNG.autonomy.final").size() == 5);
}

TEST_CASE("bands.csv has five numeric quantile rows and a mean row per month and variable, ordered",
          "[cli][ensemble]") {
  // By default the charted variables are banded; with --all-bands every one of the 39.
  const auto variant = GENERATE(std::string("charted"), std::string("all"));
  INFO(variant);
  std::vector<std::string> options{"--members", "2000"};
  if (variant == "all") options.push_back("--all-bands");
  const fs::path folder = run_calibrated("bands-" + variant, options);
  const Table bands = read_table(folder / "bands.csv");
  CHECK(bands.header == std::vector<std::string>{"date", "actor", "variable", "statistic", "quantile", "value"});

  std::set<std::pair<std::string, std::string>> pairs;
  std::vector<std::string> dates;
  bool well_formed = true;
  for (const auto& row : bands.rows) {
    if (row.size() != 6) {
      well_formed = false;
      continue;
    }
    pairs.emplace(row[1], row[2]);
    if (dates.empty() || dates.back() != row[0]) dates.push_back(row[0]);
  }
  REQUIRE(well_formed);
  if (variant == "all")
    CHECK(pairs.size() == 39);
  else
    CHECK(pairs ==
          std::set<std::pair<std::string, std::string>>{
              {"CHN", "coercion"}, {"MNG", "autonomy"}, {"RUS", "coercion"}, {"USA", "trust"}, {"system", "tension"}});
  REQUIRE(dates.size() == 121);
  CHECK(dates.front() == "2025-01");
  CHECK(dates.back() == "2035-01");
  REQUIRE(bands.rows.size() == 121 * pairs.size() * 6);

  // Rows come in groups of six for one (date, actor, variable): 0.05 … 0.95, then the mean.
  std::size_t disordered = 0, unlabelled = 0, unparsed = 0;
  for (std::size_t first = 0; first < bands.rows.size(); first += 6) {
    std::vector<double> values;
    for (std::size_t offset = 0; offset < 6; ++offset) {
      const auto& row = bands.rows[first + offset];
      if (row[0] != bands.rows[first][0] || row[1] != bands.rows[first][1] || row[2] != bands.rows[first][2] ||
          std::pair(row[3], row[4]) != band_statistics[offset])
        ++unlabelled;
      double value = 0;
      if (!parse_number(row[5], value) || !std::isfinite(value)) ++unparsed;
      values.push_back(value);
    }
    for (std::size_t level = 0; level + 1 < 5; ++level)
      if (!(values[level] <= values[level + 1])) {
        ++disordered;
        UNSCOPED_INFO("disordered: " << bands.rows[first][0] << " " << bands.rows[first][1] << "."
                                     << bands.rows[first][2]);
      }
  }
  CHECK(unlabelled == 0);
  CHECK(unparsed == 0);
  CHECK(disordered == 0);

  // Month 0 is the scenario's initial state for every member: every quantile is 0.5 for autonomy.
  for (std::size_t offset = 0; offset < 6; ++offset) {
    const auto& row = bands.rows[offset];
    CHECK(row[1] == "MNG");
    CHECK(row[2] == "autonomy");
    CHECK(row[5] == "0.5");
  }
}

TEST_CASE("outcomes.csv has one row per member and summary.json agrees with it exactly", "[cli][ensemble]") {
  const fs::path folder = run_calibrated("outcomes", {"--members", "2000"});
  const json summary = read_json(folder / "summary.json");
  const Table outcomes = read_table(folder / "outcomes.csv");

  CHECK(summary.at("members").get<std::int64_t>() == 2000);
  CHECK(summary.at("stochastic").get<bool>() == true);
  CHECK(summary.at("seed").get<std::uint64_t>() == 1);
  CHECK(summary.at("months").get<int>() == 120);
  CHECK(summary.at("start").get<std::string>() == "2025-01");
  CHECK(summary.at("end").get<std::string>() == "2035-01");
  CHECK(summary.at("model").at("name").get<std::string>() == "third_neighbor");
  CHECK_FALSE(summary.at("scenario").at("content_hash").get<std::string>().empty());
  CHECK_THAT(summary.at("command").get<std::string>(), Catch::Contains("--members 2000"));

  // The header is "member" then the summary's outcomes.
  REQUIRE(!outcomes.header.empty());
  CHECK(outcomes.header.front() == "member");
  std::set<std::string> columns(outcomes.header.begin() + 1, outcomes.header.end());
  std::set<std::string> names;
  for (const auto& [name, statistics] : summary.at("outcomes").items()) names.insert(name);
  CHECK(columns == names);
  CHECK(columns.count("MNG.autonomy.final") == 1);

  REQUIRE(outcomes.rows.size() == 2000);
  std::size_t bad_rows = 0;
  for (std::size_t member = 0; member < outcomes.rows.size(); ++member) {
    const auto& row = outcomes.rows[member];
    if (row.size() != outcomes.header.size() || row[0] != std::to_string(member)) ++bad_rows;
  }
  CHECK(bad_rows == 0);

  // Every outcome: the summary's statistics are those of the column, recomputed.
  for (const std::string& name : names) {
    INFO(name);
    const json& statistics = summary.at("outcomes").at(name);
    std::vector<double> values = column_values(outcomes, name);
    values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }), values.end());
    CHECK(statistics.at("members_with_value").get<std::int64_t>() == static_cast<std::int64_t>(values.size()));
    if (values.empty()) continue;
    std::sort(values.begin(), values.end());
    double sum = 0;
    for (double value : values) sum += value;
    const double mean = sum / static_cast<double>(values.size());
    double squares = 0;
    for (double value : values) squares += (value - mean) * (value - mean);
    const double sd = std::sqrt(squares / static_cast<double>(values.size() - 1));
    CHECK(statistics.at("q05").get<double>() == quantile_of_sorted(values, 0.05));
    CHECK(statistics.at("q25").get<double>() == quantile_of_sorted(values, 0.25));
    CHECK(statistics.at("median").get<double>() == quantile_of_sorted(values, 0.5));
    CHECK(statistics.at("q75").get<double>() == quantile_of_sorted(values, 0.75));
    CHECK(statistics.at("q95").get<double>() == quantile_of_sorted(values, 0.95));
    CHECK(std::abs(statistics.at("mean").get<double>() - mean) <= 1e-12);
    CHECK(std::abs(statistics.at("sd").get<double>() - sd) <= 1e-12);
  }

  const json& autonomy = summary.at("outcomes").at("MNG.autonomy.final");
  const double q05 = autonomy.at("q05").get<double>(), q25 = autonomy.at("q25").get<double>(),
               median = autonomy.at("median").get<double>(), q75 = autonomy.at("q75").get<double>(),
               q95 = autonomy.at("q95").get<double>();
  CHECK(q05 <= q25);
  CHECK(q25 <= median);
  CHECK(median <= q75);
  CHECK(q75 <= q95);
  CHECK(q05 < q95);  // a stochastic ensemble spreads
  CHECK(autonomy.at("members_with_value").get<std::int64_t>() == 2000);

  // The bands of the last month agree with the outcome: the mean to rounding, the median to
  // within the histogram's accuracy (±0.002 for a [0, 1] variable).
  const Table bands = read_table(folder / "bands.csv");
  std::map<std::string, double> last;
  for (const auto& row : bands.rows)
    if (row.size() == 6 && row[0] == "2035-01" && row[1] == "MNG" && row[2] == "autonomy")
      parse_number(row[5], last[row[3] == "mean" ? "mean" : row[4]]);
  REQUIRE(last.size() == 6);
  CHECK(std::abs(last["mean"] - autonomy.at("mean").get<double>()) <= 1e-12);
  CHECK(std::abs(last["0.5"] - median) <= 0.002);
  CHECK(std::abs(last["0.05"] - q05) <= 0.002);
  CHECK(std::abs(last["0.95"] - q95) <= 0.002);
}

TEST_CASE("the ensemble chart.svg draws shaded bands as polygons", "[cli][ensemble]") {
  const fs::path folder = run_calibrated("chart", {"--members", "200"});
  const std::string svg = read_text_file(folder / "chart.svg");
  CHECK_THAT(svg, Catch::StartsWith("<?xml"));
  CHECK_THAT(svg, Catch::Contains("<svg"));
  CHECK_THAT(svg, Catch::Contains("<polygon"));
  CHECK_THAT(svg, Catch::Contains("200 members"));
  CHECK_THAT(svg, Catch::Contains("</svg>"));
}

// ----- Determinism --------------------------------------------------------------------------------

TEST_CASE("ensemble files are byte-identical for any thread count and block size", "[cli][ensemble]") {
  const std::vector<std::vector<std::string>> settings = {
      {"--threads", "1"}, {"--threads", "2", "--block-size", "37"}, {"--threads", "3", "--block-size", "500"}};
  std::vector<fs::path> folders;
  for (std::size_t index = 0; index < settings.size(); ++index) {
    std::vector<std::string> extra = {"--members", "2000", "-q"};
    extra.insert(extra.end(), settings[index].begin(), settings[index].end());
    folders.push_back(run_calibrated("threads-" + std::to_string(index), extra));
  }
  const std::string bands = read_text_file(folders[0] / "bands.csv");
  const std::string outcomes = read_text_file(folders[0] / "outcomes.csv");
  const std::string chart = read_text_file(folders[0] / "chart.svg");
  const json statistics = read_json(folders[0] / "summary.json").at("outcomes");
  REQUIRE(!bands.empty());
  REQUIRE(!outcomes.empty());
  for (std::size_t index = 1; index < folders.size(); ++index) {
    INFO(settings[index][0] << " " << settings[index][1]
                            << (settings[index].size() > 2 ? " --block-size " + settings[index][3] : ""));
    CHECK(read_text_file(folders[index] / "bands.csv") == bands);
    CHECK(read_text_file(folders[index] / "outcomes.csv") == outcomes);
    CHECK(read_text_file(folders[index] / "chart.svg") == chart);
    CHECK(read_json(folders[index] / "summary.json").at("outcomes") == statistics);
  }
}

TEST_CASE("ensemble seeds: another seed gives other outcomes and the same seed the same files", "[cli][ensemble]") {
  const fs::path five = run_calibrated("seed-5", {"--members", "300", "--seed", "5", "-q"});
  const fs::path six = run_calibrated("seed-6", {"--members", "300", "--seed", "6", "-q"});
  const fs::path five_again = run_calibrated("seed-5-again", {"--members", "300", "--seed", "5", "-q"});
  CHECK(read_text_file(five / "outcomes.csv") != read_text_file(six / "outcomes.csv"));
  CHECK(read_text_file(five / "bands.csv") != read_text_file(six / "bands.csv"));
  CHECK(read_text_file(five / "outcomes.csv") == read_text_file(five_again / "outcomes.csv"));
  CHECK(read_text_file(five / "bands.csv") == read_text_file(five_again / "bands.csv"));
  CHECK(read_text_file(five / "chart.svg") == read_text_file(five_again / "chart.svg"));
  CHECK(read_json(five / "summary.json").at("seed").get<std::uint64_t>() == 5);
  CHECK(read_json(six / "summary.json").at("seed").get<std::uint64_t>() == 6);
  CHECK(read_json(five / "summary.json").at("outcomes") == read_json(five_again / "summary.json").at("outcomes"));
}

// ----- Deterministic ensembles ----------------------------------------------------------------------

TEST_CASE("a deterministic ensemble repeats the golden what-if run in every member", "[cli][ensemble]") {
  RunResult result;
  const fs::path folder =
      run_calibrated("deterministic", {"--members", "50", "--deterministic", "--all-bands"}, &result);
  CHECK_THAT(result.out, Catch::Contains("50 members"));
  CHECK_THAT(result.out, Catch::Contains("deterministic"));
  const json summary = read_json(folder / "summary.json");
  CHECK(summary.at("stochastic").get<bool>() == false);
  CHECK(summary.at("members").get<std::int64_t>() == 50);

  const Table outcomes = read_table(folder / "outcomes.csv");
  REQUIRE(outcomes.rows.size() == 50);
  std::size_t differing = 0;
  for (const auto& row : outcomes.rows)
    if (std::vector<std::string>(row.begin() + 1, row.end()) !=
        std::vector<std::string>(outcomes.rows.front().begin() + 1, outcomes.rows.front().end()))
      ++differing;
  CHECK(differing == 0);
  const std::vector<double> autonomy = column_values(outcomes, "MNG.autonomy.final");
  REQUIRE(autonomy.size() == 50);
  CHECK(std::abs(autonomy.front() - calibrated_autonomy_final) < 1e-9);
  const json& statistics = summary.at("outcomes").at("MNG.autonomy.final");
  CHECK(statistics.at("median").get<double>() == autonomy.front());
  CHECK(statistics.at("q05").get<double>() == autonomy.front());
  CHECK(statistics.at("q95").get<double>() == autonomy.front());
  CHECK(statistics.at("sd").get<double>() == 0);

  // Its bands collapse onto the what-if trajectory: every quantile exactly, the mean to rounding.
  const fs::path what_if = run_calibrated("deterministic-what-if", {"-q"});
  std::map<std::string, double> trajectory;  // "date,actor,variable" → value
  const Csv csv = read_csv(what_if / "trajectories.csv");
  REQUIRE(csv.well_formed);
  for (const CsvRow& row : csv.rows) trajectory[row.date + "," + row.actor + "," + row.variable] = row.value;
  const Table bands = read_table(folder / "bands.csv");
  REQUIRE(bands.rows.size() == csv.rows.size() * 6);
  std::size_t missing = 0, off_quantiles = 0, off_means = 0;
  for (const auto& row : bands.rows) {
    const auto found = trajectory.find(row[0] + "," + row[1] + "," + row[2]);
    double value = 0;
    if (found == trajectory.end() || !parse_number(row[5], value)) {
      ++missing;
      continue;
    }
    if (row[3] == "mean") {
      if (!(std::abs(value - found->second) <= 1e-12)) ++off_means;
    } else if (value != found->second) {
      ++off_quantiles;
    }
  }
  CHECK(missing == 0);
  CHECK(off_quantiles == 0);
  CHECK(off_means == 0);
}

// ----- --keep-trajectories ----------------------------------------------------------------------------

TEST_CASE("with --keep-trajectories an ensemble writes every member's trajectory in trajectories.csv",
          "[cli][ensemble]") {
  const fs::path folder = run_calibrated("keep", {"--members", "20", "--keep-trajectories", "--all-bands", "-q"});
  CHECK(folder_entries(folder) ==
        std::vector<std::string>{"bands.csv", "chart.svg", "outcomes.csv", "summary.json", "trajectories.csv"});
  check_no_temporaries(folder);

  const Csv csv = read_csv(folder / "trajectories.csv");
  CHECK(csv.header == "date,member,actor,variable,value");
  CHECK(csv.well_formed);
  std::set<std::pair<std::string, std::string>> variables;
  const Table bands = read_table(folder / "bands.csv");
  for (const auto& row : bands.rows) variables.emplace(row.at(1), row.at(2));
  REQUIRE(variables.size() == 39);
  CHECK(csv.rows.size() == 20 * 121 * variables.size());
  CHECK(csv.dates().size() == 121);

  std::map<std::string, std::size_t> rows_per_member;
  for (const CsvRow& row : csv.rows) ++rows_per_member[row.member];
  CHECK(rows_per_member.size() == 20);
  // Month by month, member by member (the rows are formatted in chunks on every core).
  const auto order = [](const CsvRow& row) { return std::make_pair(row.date, std::stoi(row.member)); };
  CHECK(std::is_sorted(csv.rows.begin(), csv.rows.end(),
                       [&](const CsvRow& a, const CsvRow& b) { return order(a) < order(b); }));
  for (int member = 0; member < 20; ++member) {
    INFO("member " << member);
    CHECK(rows_per_member[std::to_string(member)] == 121 * variables.size());
  }

  // Each member's last MNG autonomy is its MNG.autonomy.final in outcomes.csv, digit for digit.
  const Table outcomes = read_table(folder / "outcomes.csv");
  const int column = outcomes.column("MNG.autonomy.final");
  REQUIRE(column > 0);
  REQUIRE(outcomes.rows.size() == 20);
  std::map<std::string, std::string> last_autonomy;
  for (const CsvRow& row : csv.rows)
    if (row.date == "2035-01" && row.actor == "MNG" && row.variable == "autonomy")
      last_autonomy[row.member] = row.value_text;
  REQUIRE(last_autonomy.size() == 20);
  for (const auto& row : outcomes.rows) {
    INFO("member " << row[0]);
    CHECK(last_autonomy[row[0]] == row[static_cast<std::size_t>(column)]);
  }
  // Members differ (a stochastic ensemble).
  std::set<std::string> distinct;
  for (const auto& [member, value] : last_autonomy) distinct.insert(value);
  CHECK(distinct.size() > 1);

  // The kept trajectories, too, do not depend on threads or block size.
  const fs::path other = run_calibrated(
      "keep-threads", {"--members", "20", "--keep-trajectories", "-q", "--threads", "2", "--block-size", "3"});
  CHECK(read_text_file(other / "trajectories.csv") == read_text_file(folder / "trajectories.csv"));
}

TEST_CASE("a huge --keep-trajectories without --yes is refused at once with exit 2 and writes nothing",
          "[cli][ensemble]") {
  const fs::path folder = scratch("ens-keep-huge") / "out";
  const auto start = std::chrono::steady_clock::now();
  const RunResult result = run_from_root(
      {"run", "scenarios/calibrated.yaml", "--members", "10000000", "--keep-trajectories", "--out", folder.string()});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(result.exit_code == 2);
  CHECK(result.out.empty());
  CHECK_THAT(result.err, Catch::Contains("--yes"));
  CHECK_THAT(result.err, Catch::Contains("GB"));
  CHECK_THAT(result.err, Catch::Contains("--keep-trajectories"));
  CHECK(lines_of(result.err).size() == 1);
  CHECK_FALSE(fs::exists(folder));
  CHECK(folder_entries(folder.parent_path()).empty());
  CHECK(seconds < 5);  // refused before running: 10 million members would take minutes
}

// ----- --json and --quiet ------------------------------------------------------------------------------

TEST_CASE("steppe run --members 100 --json prints the ensemble summary and --quiet prints nothing", "[cli][ensemble]") {
  RunResult result;
  const fs::path folder = run_calibrated("json", {"--members", "100", "--json"}, &result);
  CHECK(result.err.empty());
  json printed;
  REQUIRE_NOTHROW(printed = json::parse(result.out));
  CHECK(printed == read_json(folder / "summary.json"));
  CHECK(printed.at("members").get<std::int64_t>() == 100);
  CHECK(printed.at("stochastic").get<bool>() == true);
  CHECK(printed.at("outcomes").contains("MNG.autonomy.final"));

  RunResult quiet;
  const fs::path quiet_folder = run_calibrated("quiet", {"--members", "100", "--quiet"}, &quiet);
  CHECK(quiet.out.empty());
  CHECK(quiet.err.empty());
  CHECK(folder_entries(quiet_folder) ==
        std::vector<std::string>{"bands.csv", "chart.svg", "outcomes.csv", "summary.json"});
  CHECK(read_text_file(quiet_folder / "outcomes.csv") == read_text_file(folder / "outcomes.csv"));
}

// ----- steppe compare --members ----------------------------------------------------------------------

TEST_CASE("steppe compare baseline calibrated --members 1000 gives the difference and P(B > A)",
          "[cli][ensemble][compare]") {
  const fs::path folder = scratch("ens-compare") / "out";
  const RunResult result = run_from_root({"compare", "scenarios/baseline.yaml", "scenarios/calibrated.yaml",
                                          "--members", "1000", "--out", folder.string()});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(result.err.empty());
  CHECK_THAT(result.out, Catch::Contains("1000 members each, common random numbers"));
  CHECK_THAT(result.out, Catch::Contains("P(B > A)"));
  const std::vector<std::string> header = table_row(result.out, "outcome");
  CHECK(header == std::vector<std::string>{"outcome", "A median", "B median", "B − A (90% interval)", "P(B > A)"});
  const std::vector<std::string> row = table_row(result.out, "MNG.autonomy.final");
  REQUIRE(row.size() == 5);

  CHECK(folder_entries(folder) == std::vector<std::string>{"bands.csv", "chart.svg", "comparison.json"});
  check_no_temporaries(folder);

  const json comparison = read_json(folder / "comparison.json");
  const json& summary_a = comparison.at("scenarios").at(0).at("summary");
  const json& summary_b = comparison.at("scenarios").at(1).at("summary");
  CHECK(summary_a.at("members").get<std::int64_t>() == 1000);
  CHECK(summary_b.at("members").get<std::int64_t>() == 1000);
  const json& difference = comparison.at("differences_from_a").at("B").at("MNG.autonomy.final");
  const double probability = difference.at("probability_greater").get<double>();
  const double median = difference.at("median").get<double>();
  CHECK(probability >= 0);
  CHECK(probability <= 1);
  CHECK(probability > 0.9);  // calibrated raises autonomy for nearly every member
  CHECK(median > 0.05);
  CHECK(difference.at("q05").get<double>() <= median);
  CHECK(median <= difference.at("q95").get<double>());
  CHECK(row[4] == fmt::format("{:.3f}", probability));
  CHECK(row[1] == fmt::format("{:.4f}", summary_a.at("outcomes").at("MNG.autonomy.final").at("median").get<double>()));
  CHECK(row[2] == fmt::format("{:.4f}", summary_b.at("outcomes").at("MNG.autonomy.final").at("median").get<double>()));
  for (const auto& [name, entry] : comparison.at("differences_from_a").at("B").items()) {
    INFO(name);
    const double p = entry.at("probability_greater").get<double>();
    CHECK(p >= 0);
    CHECK(p <= 1);
  }
  const std::string svg = read_text_file(folder / "chart.svg");
  CHECK_THAT(svg, Catch::Contains("<polygon"));
  CHECK_THAT(svg, Catch::Contains("stroke-dasharray"));
}

TEST_CASE("compare --members uses common random numbers: each side is the ensemble run alone",
          "[cli][ensemble][compare]") {
  const fs::path folder = scratch("ens-compare-crn") / "out";
  const RunResult result = run_from_root({"compare", "scenarios/baseline.yaml", "scenarios/calibrated.yaml",
                                          "--members", "500", "--out", folder.string(), "-q"});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  CHECK(result.out.empty());

  // A and B alone, with the same members and seed.
  const fs::path a = scratch("ens-compare-crn-a") / "out";
  const fs::path b = scratch("ens-compare-crn-b") / "out";
  REQUIRE(run_from_root({"run", "scenarios/baseline.yaml", "--members", "500", "--out", a.string(), "-q"}).exit_code ==
          0);
  REQUIRE(
      run_from_root({"run", "scenarios/calibrated.yaml", "--members", "500", "--out", b.string(), "-q"}).exit_code ==
      0);
  CHECK(side_of(folder / "bands.csv", "baseline") == read_text_file(a / "bands.csv"));
  CHECK(side_of(folder / "bands.csv", "calibrated") == read_text_file(b / "bands.csv"));
  const json comparison = read_json(folder / "comparison.json");
  CHECK(comparison.at("scenarios").at(0).at("summary").at("outcomes") == read_json(a / "summary.json").at("outcomes"));
  CHECK(comparison.at("scenarios").at(1).at("summary").at("outcomes") == read_json(b / "summary.json").at("outcomes"));

  // The difference is member by member: recomputed from the two outcomes.csv.
  const std::vector<double> autonomy_a = column_values(read_table(a / "outcomes.csv"), "MNG.autonomy.final");
  const std::vector<double> autonomy_b = column_values(read_table(b / "outcomes.csv"), "MNG.autonomy.final");
  REQUIRE(autonomy_a.size() == 500);
  REQUIRE(autonomy_b.size() == 500);
  std::vector<double> differences;
  int b_higher = 0;
  for (std::size_t member = 0; member < 500; ++member) {
    differences.push_back(autonomy_b[member] - autonomy_a[member]);
    b_higher += differences.back() > 0;
  }
  std::sort(differences.begin(), differences.end());
  const json& difference = comparison.at("differences_from_a").at("B").at("MNG.autonomy.final");
  CHECK(difference.at("median").get<double>() == quantile_of_sorted(differences, 0.5));
  CHECK(difference.at("q05").get<double>() == quantile_of_sorted(differences, 0.05));
  CHECK(difference.at("q95").get<double>() == quantile_of_sorted(differences, 0.95));
  CHECK(difference.at("probability_greater").get<double>() == b_higher / 500.0);
}

// ----- Ctrl-C ---------------------------------------------------------------------------------------

TEST_CASE("Ctrl-C stops an ensemble between blocks with exit 130 and writes nothing", "[cli][ensemble][signal]") {
  // One million members on one thread take tens of seconds (about 2e4 members/s), so the run is
  // still going when SIGINT arrives after a second; it then stops within one block.
  const fs::path folder = scratch("ens-ctrl-c") / "out";
  const Interrupted run = interrupt_after(
      {"run", "scenarios/calibrated.yaml", "--members", "1000000", "--threads", "1", "--out", folder.string()}, "1",
      "run");
  INFO("stderr: " << run.err);
  REQUIRE(run.signalled_while_running);  // else the run finished before the signal: use more members
  CHECK(run.exit_code == 130);
  CHECK_THAT(run.err, Catch::Contains("interrupted"));
  CHECK(run.out.empty());
  CHECK(folder_entries(folder).empty());
  CHECK(folder_entries(folder.parent_path()).empty());  // no folder made, no temporaries
  CHECK(run.seconds < 6);                               // stopped promptly after the signal
}

TEST_CASE("SIGTERM and SIGHUP stop an ensemble like Ctrl-C, with exit 143 and 129, and write nothing",
          "[cli][ensemble][signal]") {
  for (const auto& [signal, code] : std::vector<std::pair<std::string, int>>{{"TERM", 143}, {"HUP", 129}}) {
    INFO("SIG" << signal);
    const fs::path folder = scratch("ens-" + signal) / "out";
    const Interrupted run = interrupt_after(
        {"run", "scenarios/calibrated.yaml", "--members", "1000000", "--threads", "1", "--out", folder.string()}, "1",
        "run-" + signal, signal);
    INFO("stderr: " << run.err);
    REQUIRE(run.signalled_while_running);
    CHECK(run.exit_code == code);
    CHECK_THAT(run.err, Catch::Contains("interrupted; nothing was written"));
    CHECK(folder_entries(folder.parent_path()).empty());
    CHECK(run.seconds < 6);
  }
}

TEST_CASE("Ctrl-C stops steppe compare --members with exit 130 and leaves the folder as it was",
          "[cli][ensemble][compare][signal]") {
  const fs::path folder = scratch("ens-ctrl-c-compare") / "out";
  fs::create_directories(folder);
  write_text_file(folder / "notes.txt", "mine\n");
  const Interrupted run = interrupt_after({"compare", "scenarios/baseline.yaml", "scenarios/calibrated.yaml",
                                           "--members", "1000000", "--threads", "1", "--out", folder.string()},
                                          "1", "compare");
  INFO("stderr: " << run.err);
  REQUIRE(run.signalled_while_running);
  CHECK(run.exit_code == 130);
  CHECK_THAT(run.err, Catch::Contains("interrupted"));
  CHECK(run.out.empty());
  CHECK(folder_entries(folder) == std::vector<std::string>{"notes.txt"});
  CHECK(read_text_file(folder / "notes.txt") == "mine\n");
  CHECK(run.seconds < 6);
}

TEST_CASE("more --threads than cores runs on every core, silently, with the same results", "[cli][ensemble][threads]") {
  const fs::path folder = scratch("ens-many-threads");
  for (const char* threads : {"1", "1024"}) {
    const RunResult result = run_steppe({"run", "scenarios/baseline.yaml", "--members", "300", "--threads", threads,
                                         "--out", (folder / threads).string(), "-q"},
                                        root_folder());
    INFO("--threads " << threads);
    CHECK(result.exit_code == 0);
    CHECK(result.err.empty());  // no oneTBB warning about the workers it would not start
  }
  CHECK(read_text_file(folder / "1" / "bands.csv") == read_text_file(folder / "1024" / "bands.csv"));
  CHECK(read_text_file(folder / "1" / "outcomes.csv") == read_text_file(folder / "1024" / "outcomes.csv"));
}

// ----- Bad ensemble options -------------------------------------------------------------------------

TEST_CASE("bad ensemble options exit 2 and write nothing", "[cli][ensemble][usage]") {
  const std::vector<std::vector<std::string>> bad = {{"--members", "0"},
                                                     {"--threads", "0"},
                                                     {"--block-size", "0"},
                                                     {"--members", "-5"},
                                                     {"--members", "many"},
                                                     {"--threads", "-1"},
                                                     {"--block-size", "-37"},
                                                     {"--members", "10", "--threads", "0"},
                                                     {"--members", "10", "--block-size", "0"}};
  for (const std::string command : {"run", "compare"}) {
    for (std::size_t index = 0; index < bad.size(); ++index) {
      const fs::path folder = scratch("ens-bad-" + command + "-" + std::to_string(index)) / "out";
      std::vector<std::string> args = {command, "scenarios/baseline.yaml"};
      if (command == "compare") args.push_back("scenarios/calibrated.yaml");
      args.insert(args.end(), bad[index].begin(), bad[index].end());
      args.insert(args.end(), {"--out", folder.string()});
      const RunResult result = run_from_root(args);
      std::string shown;
      for (const std::string& arg : bad[index]) shown += " " + arg;
      INFO("steppe " << command << shown << "\nstderr: " << result.err);
      CHECK(result.exit_code == 2);
      CHECK(result.out.empty());
      CHECK_FALSE(result.err.empty());
      CHECK_FALSE(fs::exists(folder));
    }
  }
}

TEST_CASE("steppe compare --members with different starts exits 2 and writes nothing", "[cli][ensemble][compare]") {
  const fs::path work = scratch("ens-compare-starts");
  write_text_file(work / "late.yaml",
                  fmt::format("extends: {}\nstart: 2026-01\n", source_path("scenarios/calibrated.yaml").string()));
  const fs::path folder = work / "out";
  const RunResult result = run_from_root({"compare", "scenarios/baseline.yaml", (work / "late.yaml").string(),
                                          "--members", "10", "--out", folder.string()});
  CHECK(result.exit_code == 2);
  CHECK(result.out.empty());
  CHECK_THAT(result.err, Catch::Contains("late.yaml") && Catch::Contains("2026-01") && Catch::Contains("2025-01"));
  CHECK_FALSE(fs::exists(folder));
}

TEST_CASE("steppe compare --members --json prints comparison.json", "[cli][ensemble][compare]") {
  const fs::path folder = scratch("ens-compare-json") / "out";
  const RunResult result = run_from_root({"compare", "scenarios/baseline.yaml", "scenarios/calibrated.yaml",
                                          "--members", "100", "--out", folder.string(), "--json"});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  json printed;
  REQUIRE_NOTHROW(printed = json::parse(result.out));
  CHECK(printed == read_json(folder / "comparison.json"));
  CHECK(printed.at("differences_from_a").at("B").contains("MNG.autonomy.final"));
}

// A scenario's outcome list replaces the model's defaults; compare without --members measures
// every outcome either scenario names on both runs (docs/cli.md, tools/steppe/run.cpp), and an
// ensemble comparison of the same two scenarios should cover the same outcomes.
TEST_CASE("compare --members covers the same outcomes as compare of the same two scenarios",
          "[cli][ensemble][compare]") {
  const fs::path what_if = scratch("ens-compare-union-what-if") / "out";
  const fs::path ensemble = scratch("ens-compare-union-ensemble") / "out";
  REQUIRE(run_from_root({"compare", "scenarios/calibrated.yaml", "scenarios/coercion_shock.yaml", "--out",
                         what_if.string(), "-q"})
              .exit_code == 0);
  const RunResult result = run_from_root({"compare", "scenarios/calibrated.yaml", "scenarios/coercion_shock.yaml",
                                          "--members", "100", "--out", ensemble.string()});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const json what_if_comparison = read_json(what_if / "comparison.json");
  const json ensemble_comparison = read_json(ensemble / "comparison.json");
  std::set<std::string> expected, compared;
  for (const auto& [name, value] : what_if_comparison.at("differences_from_a").at("B").items()) expected.insert(name);
  for (const auto& [name, value] : ensemble_comparison.at("differences_from_a").at("B").items()) compared.insert(name);
  REQUIRE(expected.size() == 12);
  CHECK(compared == expected);
  for (const std::string& name : expected) {
    INFO(name);
    CHECK(table_row(result.out, name).size() == 5);
  }
}

TEST_CASE("a first crossing no member makes is empty in outcomes.csv, null in summary.json and never for all",
          "[cli][ensemble]") {
  const fs::path work = scratch("ens-nan");
  write_text_file(work / "crossing.yaml",
                  fmt::format("extends: {}\noutcomes:\n  - MNG.autonomy.final\n  - MNG.autonomy.first_above(0.99)\n",
                              source_path("scenarios/calibrated.yaml").string()));
  const fs::path folder = work / "out";
  const RunResult result =
      run_from_root({"run", (work / "crossing.yaml").string(), "--members", "100", "--out", folder.string()});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  const Table outcomes = read_table(folder / "outcomes.csv");
  CHECK(outcomes.header == std::vector<std::string>{"member", "MNG.autonomy.final", "MNG.autonomy.first_above(0.99)"});
  REQUIRE(outcomes.rows.size() == 100);
  std::size_t not_empty = 0;
  for (const auto& row : outcomes.rows)
    if (row.at(2) != "") ++not_empty;
  CHECK(not_empty == 0);
  const json never = read_json(folder / "summary.json").at("outcomes").at("MNG.autonomy.first_above(0.99)");
  CHECK(never.at("members_with_value").get<std::int64_t>() == 0);
  CHECK(never.at("never").get<std::int64_t>() == 100);
  for (const char* key : {"mean", "sd", "q05", "q25", "median", "q75", "q95"}) {
    INFO(key);
    CHECK(never.at(key).is_null());
  }
  CHECK(table_row(result.out, "MNG.autonomy.first_above(0.99)") ==
        std::vector<std::string>{"MNG.autonomy.first_above(0.99)", "never", "never", "never", "never", "100 of 100"});
  CHECK(table_row(result.out, "MNG.autonomy.final").size() == 5);
}

// An unstable Richardson arms race (reaction 1.2 > restraint 1) grows to about 6.7e12 in 120
// months: a finite state that `steppe run` writes without complaint and that the bands are built
// for ("an unbounded arms race" is binned on a signed-log scale, engine/bands.hpp). The ensemble
// of the same scenario should succeed as well.
TEST_CASE("an ensemble of a finite but large arms race succeeds like its what-if run", "[cli][ensemble]") {
  const std::vector<std::string> scenario = {"models/richardson/example.yaml",
                                             "--set",
                                             "BLUE.reaction.RED=1.2",
                                             "--set",
                                             "RED.reaction.BLUE=1.2",
                                             "--set",
                                             "BLUE.grievance=100",
                                             "--months",
                                             "120"};
  const fs::path what_if = scratch("ens-arms-race-what-if") / "out";
  std::vector<std::string> args = {"run"};
  args.insert(args.end(), scenario.begin(), scenario.end());
  args.insert(args.end(), {"--out", what_if.string(), "-q"});
  const RunResult single = run_from_root(args);
  INFO(single.err);
  REQUIRE(single.exit_code == 0);
  double largest = 0;
  const Csv trajectories = read_csv(what_if / "trajectories.csv");
  REQUIRE(trajectories.well_formed);
  for (const CsvRow& row : trajectories.rows) largest = std::max(largest, std::abs(row.value));
  REQUIRE(std::isfinite(largest));
  REQUIRE(largest > 1e12);

  const fs::path folder = scratch("ens-arms-race") / "out";
  args = {"run"};
  args.insert(args.end(), scenario.begin(), scenario.end());
  args.insert(args.end(), {"--members", "4", "--deterministic", "--out", folder.string(), "-q"});
  const RunResult result = run_from_root(args);
  INFO(result.err);
  CHECK(result.exit_code == 0);
  CHECK(result.err.empty());
  CHECK(folder_entries(folder) == std::vector<std::string>{"bands.csv", "chart.svg", "outcomes.csv", "summary.json"});
}

// BLUE.reaction.RED = 60 (within its declared [0, 100]) runs away about 88-fold a month: 5.4e117
// after 60 months, far beyond armament's declared ±1e9 and beyond the 2^63 of the means' fixed
// point. The what-if run, the ensemble's mean and its bands report the same numbers, and both
// runs warn of the same excursions.
TEST_CASE("a race far beyond its declared range: what-if, ensemble means and bands agree, and both warn alike",
          "[cli][ensemble]") {
  const std::vector<std::string> race = {"run", "models/richardson/example.yaml", "--set", "BLUE.reaction.RED=60"};
  const fs::path single_folder = scratch("ens-runaway-single") / "out";
  std::vector<std::string> args = race;
  args.insert(args.end(), {"--out", single_folder.string()});
  const RunResult single = run_from_root(args);
  REQUIRE(single.exit_code == 0);
  const fs::path ensemble_folder = scratch("ens-runaway-ensemble") / "out";
  args = race;
  args.insert(args.end(), {"--members", "3", "--out", ensemble_folder.string()});
  const RunResult ensemble = run_from_root(args);
  INFO(ensemble.err);
  REQUIRE(ensemble.exit_code == 0);

  const std::vector<double> blue = read_csv(single_folder / "trajectories.csv").series("BLUE", "armament");
  REQUIRE(blue.size() == 61);
  CHECK(blue.back() > 1e117);
  CHECK(std::isfinite(blue.back()));
  int band_rows = 0;
  for (const std::string& line : lines_of(read_text_file(ensemble_folder / "bands.csv")))
    if (line.rfind("2030-01,BLUE,armament,", 0) == 0) {  // every member alike: every band and the mean
      INFO(line);
      double value = 0;
      CHECK(parse_number(split(line, ',')[5], value));
      CHECK(value == blue.back());
      ++band_rows;
    }
  CHECK(band_rows == 6);
  const json single_summary = read_json(single_folder / "summary.json");
  const json ensemble_summary = read_json(ensemble_folder / "summary.json");
  CHECK(ensemble_summary["outcomes"]["BLUE.armament.final"]["mean"].get<double>() == blue.back());
  CHECK(single_summary["outcomes"]["BLUE.armament.final"].get<double>() == blue.back());

  // The same warnings, on stderr and in summary.json: where each armament left ±1e9.
  CHECK(single_summary["warnings"] == ensemble_summary["warnings"]);
  REQUIRE(single_summary["warnings"].size() == 2);
  CHECK_THAT(single_summary["warnings"][0].get<std::string>(),
             Catch::StartsWith("BLUE.armament left its declared range [-1e+09, 1e+09] in 2025-06 (month 5), at 6.15"));
  CHECK(single.err == ensemble.err);
  CHECK(lines_of(single.err).size() == 2);
  CHECK_THAT(single.err, Catch::StartsWith("steppe: warning: BLUE.armament left its declared range"));
}

TEST_CASE("a race that overflows fails alike as a what-if run and an ensemble: exit 1 naming the variable and month",
          "[cli][ensemble]") {
  const std::vector<std::string> race = {"run",   "models/richardson/example.yaml", "--set", "BLUE.reaction.RED=100",
                                         "--set", "RED.reaction.BLUE=100"};
  for (const std::vector<std::string>& extra : {std::vector<std::string>{}, {"--members", "3"}}) {
    const fs::path folder = scratch("ens-overflow") / "out";
    std::vector<std::string> args = race;
    args.insert(args.end(), extra.begin(), extra.end());
    args.insert(args.end(), {"--out", folder.string()});
    const RunResult result = run_from_root(args);
    INFO(result.err);
    CHECK(result.exit_code == 1);
    CHECK(
        result.err ==
        "steppe: error: the run's state turned non-finite: BLUE.armament in 2025-09 (month 8); the model cannot go on "
        "from there (an overflow: look at the settings that drive it)\n");
    CHECK_FALSE(fs::exists(folder));
  }
}

TEST_CASE(
    "a first crossing is a date in the table, outcomes.csv and summary.json, and members that never crossed "
    "are counted",
    "[cli][ensemble]") {
  // 11 of 200 members cross: the statistics are of those, and the 189 others are reported.
  const std::string crossing = "MNG.concession.first_above(0.74)";
  const fs::path folder = scratch("ens-first-crossing") / "out";
  const RunResult result =
      run_from_root({"run", "tests/cli/good/first_crossing.yaml", "--members", "200", "--out", folder.string()});
  INFO(result.err);
  REQUIRE(result.exit_code == 0);

  const std::regex date("[0-9]{4}-[0-9]{2}");
  const Table outcomes = read_table(folder / "outcomes.csv");
  REQUIRE(outcomes.header.size() == 3);
  REQUIRE(outcomes.header[1] == crossing);
  REQUIRE(outcomes.rows.size() == 200);
  std::int64_t never = 0, not_dates = 0;
  std::set<std::string> dates;
  for (const auto& row : outcomes.rows) {
    if (row.size() == 3 && row[1].empty()) {
      ++never;
    } else if (row.size() == 3 && std::regex_match(row[1], date)) {
      dates.insert(row[1]);
    } else {
      ++not_dates;
    }
  }
  CHECK(not_dates == 0);
  CHECK(never == 189);

  const json statistics = read_json(folder / "summary.json").at("outcomes").at(crossing);
  CHECK(statistics.at("never").get<std::int64_t>() == never);
  CHECK(statistics.at("members_with_value").get<std::int64_t>() == 200 - never);
  for (const char* key : {"q05", "q25", "median", "q75", "q95", "mean"}) {
    INFO(key);
    REQUIRE(statistics.at(key).is_string());
    CHECK(std::regex_match(statistics.at(key).get<std::string>(), date));
  }
  // The quantiles are of the members that crossed: within their dates (YYYY-MM sorts as text).
  REQUIRE_FALSE(dates.empty());
  CHECK(*dates.begin() <= statistics.at("q05").get<std::string>());
  CHECK(statistics.at("q95").get<std::string>() <= *dates.rbegin());
  CHECK(statistics.at("sd").is_number());  // a spread in months
  CHECK_FALSE(read_json(folder / "summary.json").at("outcomes").at("MNG.concession.max").contains("never"));

  const std::vector<std::string> header = table_row(result.out, "outcome");
  CHECK(header == std::vector<std::string>{"outcome", "median", "5%", "95%", "mean", "never"});
  const std::vector<std::string> row = table_row(result.out, crossing);
  REQUIRE(row.size() == 6);
  CHECK(row[1] == statistics.at("median").get<std::string>());
  CHECK(row[2] == statistics.at("q05").get<std::string>());
  CHECK(row[3] == statistics.at("q95").get<std::string>());
  CHECK(row[4] == statistics.at("mean").get<std::string>());
  CHECK(row[5] == "189 of 200");
  CHECK(table_row(result.out, "MNG.concession.max").size() == 5);  // no count for other outcomes
}
