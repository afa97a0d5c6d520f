#include "engine/calendar.hpp"

#include <fmt/format.h>

#include <charconv>

namespace steppe {

std::optional<YearMonth> YearMonth::parse(const std::string& text) {
  const auto dash = text.find('-');
  if (dash == std::string::npos || dash == 0 || dash + 1 >= text.size()) return std::nullopt;
  int year = 0, month = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  auto [year_end, year_error] = std::from_chars(begin, begin + dash, year);
  if (year_error != std::errc() || year_end != begin + dash) return std::nullopt;
  auto [month_end, month_error] = std::from_chars(begin + dash + 1, end, month);
  if (month_error != std::errc() || month_end != end) return std::nullopt;
  if (year < 1 || year > 9999 || month < 1 || month > 12 || end - (begin + dash + 1) > 2) return std::nullopt;
  return YearMonth{year, month};
}

YearMonth YearMonth::plus(int months) const {
  const int total = index() + months;
  return YearMonth{total / 12, total % 12 + 1};
}

std::string YearMonth::to_string() const { return fmt::format("{:04}-{:02}", year, month); }

}  // namespace steppe
