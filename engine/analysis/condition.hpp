// The condition that marks a case of interest for scenario discovery (`steppe discover --where`):
// comparisons of outcomes with numbers, joined by `and`, e.g.
//   MNG.autonomy.final < 0.5 and CHN.coercion.max >= 0.3
// Parsed once into a small list of clauses, then evaluated over the rows of an outcome table.
// An undefined outcome (NaN: a threshold never crossed) makes its comparison false.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

namespace steppe {

enum class OutcomeComparison { less, less_equal, greater, greater_equal, equal, not_equal };

struct OutcomeClause {
  std::string outcome;  // the name as written, e.g. "MNG.autonomy.final"
  OutcomeComparison comparison = OutcomeComparison::less;
  double threshold = 0;
  std::string text;  // the clause as written, for messages

  bool holds(double value) const;  // false for NaN
};

struct OutcomeCondition {
  std::string text;
  std::vector<OutcomeClause> clauses;  // all must hold
};

// Throws InputError (at "--where", saying which part is wrong and why) for anything but
// `OUTCOME OP NUMBER` (or `NUMBER OP OUTCOME`) clauses joined by `and`.
OutcomeCondition parse_condition(const std::string& text);

// The condition over a table with one column per clause (the values of that clause's outcome),
// one row per case.
struct OutcomeConditionCases {
  std::vector<bool> holds;     // per row
  std::int64_t undefined = 0;  // rows where an outcome of the condition is undefined (NaN)
};
OutcomeConditionCases evaluate(const OutcomeCondition& condition, const Eigen::MatrixXd& clause_values);

}  // namespace steppe
