// Calendar months. A scenario starts at a year-month; step t of a run is month start + t.
// Outputs carry dates ("2027-06"), not only step numbers.
#pragma once

#include <optional>
#include <string>

namespace steppe {

struct YearMonth {
  int year = 2025;
  int month = 1;  // 1..12

  // Parses "YYYY-MM" (four digits, two digits); nullopt when it is not a valid year-month.
  static std::optional<YearMonth> parse(const std::string& text);

  int index() const { return year * 12 + (month - 1); }  // months since year 0
  YearMonth plus(int months) const;
  std::string to_string() const;  // "YYYY-MM"
  auto operator<=>(const YearMonth&) const = default;
};

// Months from `start` to `date`; negative when date precedes start.
inline int months_between(const YearMonth& start, const YearMonth& date) { return date.index() - start.index(); }

}  // namespace steppe
