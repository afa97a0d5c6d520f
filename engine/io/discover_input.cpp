#include "engine/io/discover_input.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>

#include "engine/errors.hpp"
#include "engine/io/sweep_arrays.hpp"
#include "engine/io/yaml_input.hpp"

namespace steppe {

namespace {

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

// The condition's table: one column per clause, its outcome's values in each case.
Eigen::MatrixXd clause_values(const OutcomeCondition& condition, const std::vector<std::string>& outcomes,
                              const std::string& what, const std::function<Eigen::VectorXd(std::size_t)>& column) {
  Eigen::MatrixXd values;
  for (std::size_t clause = 0; clause < condition.clauses.size(); ++clause) {
    const std::string& name = condition.clauses[clause].outcome;
    const auto found = std::find(outcomes.begin(), outcomes.end(), name);
    if (found == outcomes.end())
      throw InputError({"--where"}, "",
                       unknown_name_message(what, name, outcomes) + " (it has: " + joined(outcomes) + ")");
    const Eigen::VectorXd outcome = column(static_cast<std::size_t>(found - outcomes.begin()));
    if (clause == 0) values.resize(outcome.size(), static_cast<Eigen::Index>(condition.clauses.size()));
    values.col(static_cast<Eigen::Index>(clause)) = outcome;
  }
  return values;
}

// The condition evaluated; it must hold in some cases and fail in others.
void mark_cases(DiscoverCases& discover, const OutcomeCondition& condition, const Eigen::MatrixXd& values) {
  const std::string& cases_word = discover.cases_word;
  const OutcomeConditionCases evaluated = evaluate(condition, values);
  discover.cases.of_interest = evaluated.holds;
  discover.undefined = evaluated.undefined;
  discover.of_interest = std::count(evaluated.holds.begin(), evaluated.holds.end(), true);
  const auto cases = static_cast<std::int64_t>(evaluated.holds.size());
  const std::string undefined =
      discover.undefined ? fmt::format(" ({} had an outcome of it undefined, which makes it false)", discover.undefined)
                         : "";
  if (discover.of_interest == 0)
    throw InputError({"--where"}, "",
                     fmt::format("'{}' holds in none of the {} {}{}: there is nothing to discover", condition.text,
                                 cases, cases_word, undefined));
  if (discover.of_interest == cases)
    throw InputError({"--where"}, "",
                     fmt::format("'{}' holds in every one of the {} {}: there is nothing to tell apart", condition.text,
                                 cases, cases_word));
}

// --- CSV -----------------------------------------------------------------------------------

struct Cell {
  std::string text;
  int line = 0, column = 0;
};

// RFC 4180: fields separated by commas, quoted when they hold commas, quotes or line breaks.
std::vector<std::vector<Cell>> read_csv_cells(const std::filesystem::path& file) {
  // A CSV holds one row per run: far more than a scenario, but parsed into cells of tens of
  // bytes each, so it is capped too (a larger sweep is discovered in from its database).
  constexpr std::uintmax_t max_csv_bytes = std::uintmax_t{1} << 30;
  const std::string text = read_input_file(file, "CSV file", nullptr, max_csv_bytes);
  std::vector<std::vector<Cell>> rows;
  std::vector<Cell> row;
  Cell cell{"", 1, 1};
  int line = 1, column = 1;
  bool quoted = false, row_has_text = false;
  const auto end_cell = [&] {
    row.push_back(cell);
    cell = Cell{"", line, column};
  };
  for (std::size_t at = 0; at < text.size(); ++at) {
    const char c = text[at];
    if (quoted) {
      if (c == '"' && at + 1 < text.size() && text[at + 1] == '"') {
        cell.text += '"';
        ++at;
        column += 2;
        continue;
      }
      if (c == '"')
        quoted = false;
      else
        cell.text += c;
      if (c == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
      continue;
    }
    if (c == '\r') continue;
    ++column;
    if (c == '"') {
      quoted = true;
      row_has_text = true;
    } else if (c == ',') {
      end_cell();
      row_has_text = true;
    } else if (c == '\n') {
      ++line;
      column = 1;
      if (row_has_text || !cell.text.empty()) {
        end_cell();
        rows.push_back(std::move(row));
      }
      row.clear();
      cell = Cell{"", line, column};
      row_has_text = false;
    } else {
      cell.text += c;
      row_has_text = true;
    }
  }
  if (quoted) throw InputError({file.string(), cell.line, cell.column}, "", "a quoted field is never closed");
  if (row_has_text || !cell.text.empty()) {
    end_cell();
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// The cell as a number: false when it is not one. NaN for "nan".
bool read_number(const std::string& text, double& value) {
  const std::string number = trimmed(text);
  if (number.empty()) return false;
  char* end = nullptr;
  value = std::strtod(number.c_str(), &end);
  return end == number.c_str() + number.size();
}

InputError bad_cell(const std::filesystem::path& file, const Cell& cell, const std::string& column,
                    const std::string& why) {
  return InputError({file.string(), cell.line, cell.column}, "",
                    fmt::format("'{}' in column '{}' {}", cell.text, column, why));
}

}  // namespace

DiscoverCases discover_cases(const SweepDatabase& database, const OutcomeCondition& condition) {
  const SweepArrays arrays = read_sweep_arrays(database, true);
  const StoredSweep& stored = arrays.stored;
  const auto runs = static_cast<Eigen::Index>(arrays.run_point.size());
  if (runs == 0)
    throw InputError({database.file().string()}, "", "the sweep has no runs yet: run it with steppe sweep first");

  DiscoverCases discover;
  discover.source = fmt::format("{}: {} design, {} runs", database.file().filename().string(), stored.design, runs);
  if (runs < stored.runs) discover.source += fmt::format(" of {} (unfinished)", stored.runs);
  discover.dimensions = stored.factors;

  // A policies × scenarios sweep adds each lever every policy sets, and the policy itself.
  std::vector<std::string> levers;
  nlohmann::json policies;
  if (!stored.policies.empty()) {
    policies = nlohmann::json::parse(stored.policies);
    for (const auto& item : policies.at(arrays.policies.front()).items()) {
      const std::string& lever = item.key();  // not a structured binding: clang 14 cannot capture one
      const bool everywhere = std::all_of(arrays.policies.begin(), arrays.policies.end(), [&](const std::string& name) {
        return policies.at(name).contains(lever) && policies.at(name).at(lever).is_number();
      });
      if (everywhere && std::find(stored.factors.begin(), stored.factors.end(), lever) == stored.factors.end())
        levers.push_back(lever);
    }
    discover.dimensions.insert(discover.dimensions.end(), levers.begin(), levers.end());
    discover.dimensions.emplace_back("policy");
  }
  const auto factors = static_cast<Eigen::Index>(stored.factors.size());
  const auto dimensions = static_cast<Eigen::Index>(discover.dimensions.size());
  discover.category_names.resize(static_cast<std::size_t>(dimensions));
  discover.cases.categories.assign(static_cast<std::size_t>(dimensions), 0);
  if (!stored.policies.empty()) {
    discover.category_names.back() = arrays.policies;
    discover.cases.categories.back() = static_cast<int>(arrays.policies.size());
  }

  discover.cases.inputs.resize(runs, dimensions);
  for (Eigen::Index run = 0; run < runs; ++run) {
    const auto point = static_cast<Eigen::Index>(arrays.run_point[static_cast<std::size_t>(run)]);
    discover.cases.inputs.row(run).head(factors) = arrays.values.row(point);
    if (stored.policies.empty()) continue;
    const int policy = arrays.roles[static_cast<std::size_t>(point)].policy;
    const nlohmann::json& settings = policies.at(arrays.policies.at(static_cast<std::size_t>(policy)));
    for (std::size_t lever = 0; lever < levers.size(); ++lever)
      discover.cases.inputs(run, factors + static_cast<Eigen::Index>(lever)) = settings.at(levers[lever]).get<double>();
    discover.cases.inputs(run, dimensions - 1) = policy;
  }

  const Eigen::MatrixXd values = clause_values(condition, stored.outcomes, "outcome", [&](std::size_t outcome) {
    return Eigen::VectorXd(arrays.outcomes.col(static_cast<Eigen::Index>(outcome)));
  });
  mark_cases(discover, condition, values);
  return discover;
}

DiscoverCases discover_cases_from_csv(const std::filesystem::path& file, const std::vector<std::string>& inputs,
                                      const OutcomeCondition& condition) {
  const std::vector<std::vector<Cell>> rows = read_csv_cells(file);
  if (rows.size() < 2) throw InputError({file.string()}, "", "expected a header row and at least one row of cases");
  std::vector<std::string> header;
  for (const Cell& cell : rows.front()) header.push_back(trimmed(cell.text));
  if (inputs.empty())
    throw InputError(
        {"--inputs"}, "",
        fmt::format("a CSV file needs --inputs naming its input columns, e.g. --inputs {} (its columns: {})",
                    header.front(), joined(header)));
  for (std::size_t line = 1; line < rows.size(); ++line)
    if (rows[line].size() != header.size())
      throw InputError({file.string(), rows[line].front().line}, "",
                       fmt::format("this row has {} fields, the header {}", rows[line].size(), header.size()));
  const auto cases = static_cast<Eigen::Index>(rows.size() - 1);
  const auto column_of = [&](const std::string& name, const std::string& flag) {
    const auto found = std::find(header.begin(), header.end(), name);
    if (found == header.end())
      throw InputError({flag}, "",
                       unknown_name_message("column", name, header) + " (the columns: " + joined(header) + ")");
    return static_cast<std::size_t>(found - header.begin());
  };

  DiscoverCases discover;
  discover.source = fmt::format("{}: {} rows", file.filename().string(), cases);
  discover.cases_word = "rows";
  discover.dimensions = inputs;
  discover.category_names.resize(inputs.size());
  discover.cases.categories.assign(inputs.size(), 0);
  discover.cases.inputs.resize(cases, static_cast<Eigen::Index>(inputs.size()));
  for (std::size_t input = 0; input < inputs.size(); ++input) {
    const std::size_t column = column_of(inputs[input], "--inputs");
    // A column of names (no cell a number) is categorical; numbers must be finite.
    double value = 0;
    const bool named = std::none_of(rows.begin() + 1, rows.end(),
                                    [&](const auto& row) { return read_number(row[column].text, value); });
    std::vector<std::string>& names = discover.category_names[input];
    for (Eigen::Index row = 0; row < cases; ++row) {
      const Cell& cell = rows[static_cast<std::size_t>(row + 1)][column];
      if (trimmed(cell.text).empty()) throw bad_cell(file, cell, inputs[input], "is empty: an input needs a value");
      if (named) {
        const auto found = std::find(names.begin(), names.end(), trimmed(cell.text));
        if (found == names.end()) names.push_back(trimmed(cell.text));
        discover.cases.inputs(row, static_cast<Eigen::Index>(input)) =
            static_cast<double>(std::find(names.begin(), names.end(), trimmed(cell.text)) - names.begin());
      } else if (!read_number(cell.text, value)) {
        throw bad_cell(file, cell, inputs[input], "is not a number (the column's other cells are)");
      } else if (!std::isfinite(value)) {
        throw bad_cell(file, cell, inputs[input], "is not a finite number: an input needs a value");
      } else {
        discover.cases.inputs(row, static_cast<Eigen::Index>(input)) = value;
      }
    }
    if (named) discover.cases.categories[input] = static_cast<int>(names.size());
  }

  const Eigen::MatrixXd values = clause_values(condition, header, "column", [&](std::size_t column) {
    Eigen::VectorXd outcome(cases);
    for (Eigen::Index row = 0; row < cases; ++row) {
      const Cell& cell = rows[static_cast<std::size_t>(row + 1)][column];
      if (trimmed(cell.text).empty())
        outcome(row) = std::nan("");
      else if (!read_number(cell.text, outcome(row)))
        throw bad_cell(file, cell, header[column], "is not a number (leave a cell empty for an undefined outcome)");
    }
    return outcome;
  });
  mark_cases(discover, condition, values);
  return discover;
}

}  // namespace steppe
