#include "tools/steppe/table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "engine/text.hpp"

namespace steppe::cli {

namespace {

bool looks_numeric(const std::string& text) {
  return !text.empty() && (std::isdigit(static_cast<unsigned char>(text.back())) || text == "—");
}

}  // namespace

std::string Table::render() const {
  std::vector<std::size_t> widths(header_.size(), 0);
  auto widen = [&](const std::vector<std::string>& row) {
    for (std::size_t column = 0; column < row.size() && column < widths.size(); ++column)
      widths[column] = std::max(widths[column], utf8_length(row[column]));
  };
  widen(header_);
  for (const auto& row : rows_) widen(row);

  auto line = [&](const std::vector<std::string>& row, bool is_header) {
    std::string out;
    for (std::size_t column = 0; column < widths.size(); ++column) {
      const std::string cell = column < row.size() ? row[column] : "";
      const std::string padding(widths[column] - utf8_length(cell), ' ');
      const bool right = !is_header && column > 0 && looks_numeric(cell);
      out += right ? padding + cell : cell + padding;
      if (column + 1 < widths.size()) out += "  ";
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };

  std::string out = line(header_, true);
  std::string rule;
  for (std::size_t column = 0; column < widths.size(); ++column)
    rule += std::string(widths[column], '-') + (column + 1 < widths.size() ? "  " : "");
  out += rule + "\n";
  for (const auto& row : rows_) out += line(row, false);
  return out;
}

std::string format_for_people(double value, bool signed_change) {
  if (!std::isfinite(value)) return "—";
  // Four decimals for shares and levels; beyond a million (a runaway race), four significant digits.
  if (std::abs(value) >= 1e6) return signed_change ? fmt::format("{:+.4g}", value) : fmt::format("{:.4g}", value);
  if (signed_change) return fmt::format("{:+.4f}", value);
  return fmt::format("{:.4f}", value);
}

}  // namespace steppe::cli
