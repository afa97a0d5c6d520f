#include "engine/calendar.hpp"

#include <fmt/format.h>

#include <string>

namespace steppe {

std::optional<YearMonth> YearMonth::parse(const std::string& text) {
  // Exactly four digits, a dash and two digits: "2025-1" is more likely a slip than January.
  const auto digit = [&](std::size_t index) { return text[index] >= '0' && text[index] <= '9'; };
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  for (const std::size_t index : {0u, 1u, 2u, 3u, 5u, 6u})
    if (!digit(index)) return std::nullopt;
  const int year = std::stoi(text.substr(0, 4)), month = std::stoi(text.substr(5, 2));
  if (year < 1 || month < 1 || month > 12) return std::nullopt;
  return YearMonth{year, month};
}

YearMonth YearMonth::plus(int months) const {
  const int total = index() + months;
  return YearMonth{total / 12, total % 12 + 1};
}

std::string YearMonth::to_string() const { return fmt::format("{:04}-{:02}", year, month); }

}  // namespace steppe
