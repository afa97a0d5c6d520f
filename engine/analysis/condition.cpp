#include "engine/analysis/condition.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <regex>
#include <stdexcept>

#include "engine/errors.hpp"

namespace steppe {

namespace {

[[noreturn]] void fail(const std::string& message) { throw InputError({"--where"}, "", message); }

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// The whole text as a finite number, or false.
bool read_number(const std::string& text, double& value) {
  if (text.empty()) return false;
  char* end = nullptr;
  value = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size() && std::isfinite(value);
}

// The comparison with its operands the other way round: 0.5 > x is x < 0.5.
OutcomeComparison mirrored(OutcomeComparison comparison) {
  switch (comparison) {
    case OutcomeComparison::less:
      return OutcomeComparison::greater;
    case OutcomeComparison::less_equal:
      return OutcomeComparison::greater_equal;
    case OutcomeComparison::greater:
      return OutcomeComparison::less;
    case OutcomeComparison::greater_equal:
      return OutcomeComparison::less_equal;
    default:
      return comparison;
  }
}

OutcomeClause parse_clause(const std::string& text, std::size_t part, std::size_t parts) {
  const std::string where = parts > 1 ? fmt::format("part {} '{}'", part, text) : fmt::format("'{}'", text);
  const std::string expected =
      "expected OUTCOME OP NUMBER with OP one of < <= > >= == !=, e.g. "
      "'MNG.autonomy.final < 0.5'";
  const auto at = text.find_first_of("<>=!");
  if (at == std::string::npos) fail(fmt::format("{} has no comparison: {}", where, expected));
  const bool doubled = at + 1 < text.size() && text[at + 1] == '=';
  OutcomeClause clause;
  clause.text = text;
  switch (text[at]) {
    case '<':
      clause.comparison = doubled ? OutcomeComparison::less_equal : OutcomeComparison::less;
      break;
    case '>':
      clause.comparison = doubled ? OutcomeComparison::greater_equal : OutcomeComparison::greater;
      break;
    case '=':
      if (!doubled) fail(fmt::format("{}: compare with '==', not '='", where));
      clause.comparison = OutcomeComparison::equal;
      break;
    default:
      if (!doubled) fail(fmt::format("{}: '!' must be followed by '=' ('!=')", where));
      clause.comparison = OutcomeComparison::not_equal;
  }
  const std::string left = trimmed(text.substr(0, at));
  const std::string right = trimmed(text.substr(at + (doubled ? 2 : 1)));
  if (right.find_first_of("<>=!") != std::string::npos)
    fail(fmt::format("{} has more than one comparison; join comparisons with 'and'", where));
  if (left.empty() || right.empty())
    fail(fmt::format("{} needs something on both sides of the comparison: {}", where, expected));
  double number = 0;
  if (read_number(right, number) && !read_number(left, number)) {
    read_number(right, clause.threshold);
    clause.outcome = left;
  } else if (read_number(left, clause.threshold) && !read_number(right, number)) {
    clause.outcome = right;
    clause.comparison = mirrored(clause.comparison);
  } else {
    fail(fmt::format("{} must compare one outcome with one finite number: {}", where, expected));
  }
  if (clause.outcome.find_first_of(" \t") != std::string::npos)
    fail(fmt::format("{}: '{}' is not an outcome name (no spaces; only 'and' joins comparisons)", where,
                     clause.outcome));
  return clause;
}

}  // namespace

bool OutcomeClause::holds(double value) const {
  if (std::isnan(value)) return false;
  switch (comparison) {
    case OutcomeComparison::less:
      return value < threshold;
    case OutcomeComparison::less_equal:
      return value <= threshold;
    case OutcomeComparison::greater:
      return value > threshold;
    case OutcomeComparison::greater_equal:
      return value >= threshold;
    case OutcomeComparison::equal:
      return value == threshold;
    case OutcomeComparison::not_equal:
      return value != threshold;
  }
  return false;
}

OutcomeCondition parse_condition(const std::string& text) {
  if (trimmed(text).empty()) fail("the condition is empty: expected e.g. 'MNG.autonomy.final < 0.5'");
  OutcomeCondition condition;
  condition.text = trimmed(text);
  const std::regex joiner("(?:^|\\s+)and(?=\\s|$)");
  std::vector<std::string> parts;
  for (std::sregex_token_iterator it(condition.text.begin(), condition.text.end(), joiner, -1), end; it != end; ++it)
    parts.push_back(trimmed(*it));
  for (std::size_t part = 0; part < parts.size(); ++part) {
    if (parts[part].empty()) fail(fmt::format("part {} is empty: 'and' needs a comparison on both sides", part + 1));
    if (std::regex_search(parts[part], std::regex("\\s(or|OR|&&|\\|\\|)\\s")))
      fail(fmt::format("part {} '{}': only 'and' joins comparisons (for 'or', run discover once per part)", part + 1,
                       parts[part]));
    condition.clauses.push_back(parse_clause(parts[part], part + 1, parts.size()));
  }
  return condition;
}

OutcomeConditionCases evaluate(const OutcomeCondition& condition, const Eigen::MatrixXd& clause_values) {
  if (clause_values.cols() != static_cast<Eigen::Index>(condition.clauses.size()))
    throw std::invalid_argument(
        fmt::format("evaluate: {} columns for {} clauses", clause_values.cols(), condition.clauses.size()));
  OutcomeConditionCases cases;
  cases.holds.assign(static_cast<std::size_t>(clause_values.rows()), true);
  for (Eigen::Index row = 0; row < clause_values.rows(); ++row) {
    bool undefined = false;
    for (std::size_t clause = 0; clause < condition.clauses.size(); ++clause) {
      const double value = clause_values(row, static_cast<Eigen::Index>(clause));
      undefined = undefined || std::isnan(value);
      if (!condition.clauses[clause].holds(value)) cases.holds[static_cast<std::size_t>(row)] = false;
    }
    cases.undefined += undefined ? 1 : 0;
  }
  return cases;
}

}  // namespace steppe
