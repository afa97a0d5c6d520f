// Aligned text tables for people (tools/steppe/table.hpp).
#include "tools/steppe/table.hpp"

#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <numeric>
#include <string_view>

#include "engine/text.hpp"

namespace steppe::cli {

namespace {

// A number (or a date, a percentage): begins like one and ends in a digit. Text that merely ends
// in one ("air_link=0.5") stays left-aligned.
bool looks_numeric(const std::string& text) {
  if (text == "—") return true;
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(text.back()))) return false;
  const char first = text.front();
  return std::isdigit(static_cast<unsigned char>(first)) || first == '-' || first == '+' || first == '.' ||
         text.rfind("−", 0) == 0;
}

// Narrower than this a column would be more breaks than text.
constexpr std::size_t narrowest_column = 6;

}  // namespace

std::vector<std::string> wrap_text(const std::string& text, std::size_t width) {
  width = std::max<std::size_t>(width, 1);
  if (utf8_length(text) <= width) return {text};  // as it is, runs of spaces and all
  std::vector<std::string> lines;
  std::string line;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(' ', start), text.size());
    std::string word = text.substr(start, end - start);
    start = end + 1;
    if (word.empty()) continue;
    if (!line.empty() && utf8_length(line) + 1 + utf8_length(word) > width) {
      lines.push_back(line);
      line.clear();
    }
    if (!line.empty()) line += ' ';
    line += word;
    while (utf8_length(line) > width) {  // a word longer than a line
      const std::size_t cut = utf8_prefix(line, width);
      lines.push_back(line.substr(0, cut));
      line.erase(0, cut);
    }
  }
  if (!line.empty() || lines.empty()) lines.push_back(line);
  return lines;
}

std::size_t terminal_width() {
  if (const char* columns = std::getenv("COLUMNS")) {
    std::size_t width = 0;
    const std::string_view text(columns);
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), width);
    if (error == std::errc() && end == text.data() + text.size() && width > 0) return width;
  }
  winsize size{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 100;
}

std::string Table::render(std::size_t width) const {
  std::vector<std::size_t> widths(header_.size(), 0);
  auto widen = [&](const std::vector<std::string>& row) {
    for (std::size_t column = 0; column < row.size() && column < widths.size(); ++column)
      widths[column] = std::max(widths[column], utf8_length(row[column]));
  };
  widen(header_);
  for (const auto& row : rows_) widen(row);

  // Too wide, the widest column gives a character at a time: first down to its longest word (a
  // column of names keeps them whole, text wraps between words); if that is not enough, columns
  // of text go down to a few characters with words cut, and only then columns of names.
  std::vector<std::size_t> longest_words(widths.size(), 0);
  std::vector<bool> has_text(widths.size(), false);
  auto words = [&](const std::vector<std::string>& row) {
    for (std::size_t column = 0; column < row.size() && column < widths.size(); ++column)
      for (std::size_t start = 0; start <= row[column].size();) {
        if (start > 0) has_text[column] = true;
        const std::size_t end = std::min(row[column].find(' ', start), row[column].size());
        longest_words[column] =
            std::max(longest_words[column], utf8_length(std::string_view(row[column]).substr(start, end - start)));
        start = end + 1;
      }
  };
  const auto total = [&] { return std::accumulate(widths.begin(), widths.end(), 2 * (widths.size() - 1)); };
  const auto narrow_down_to = [&](const std::vector<std::size_t>& floors) {
    while (total() > width) {
      std::size_t widest = widths.size();
      for (std::size_t column = 0; column < widths.size(); ++column)
        if (widths[column] > floors[column] && (widest == widths.size() || widths[column] > widths[widest]))
          widest = column;
      if (widest == widths.size()) return;
      --widths[widest];
    }
  };
  if (total() > width) {
    words(header_);
    has_text.assign(widths.size(), false);  // a header of several words does not make its column text
    for (const auto& row : rows_) words(row);
    narrow_down_to(longest_words);
    std::vector<std::size_t> floors = longest_words;
    for (std::size_t column = 0; column < widths.size(); ++column)
      if (has_text[column]) floors[column] = std::min(floors[column], narrowest_column);
    narrow_down_to(floors);
    narrow_down_to(std::vector<std::size_t>(widths.size(), narrowest_column));
  }

  auto lines = [&](const std::vector<std::string>& row, bool is_header) {
    std::vector<std::vector<std::string>> cells(widths.size());
    std::size_t height = 1;
    for (std::size_t column = 0; column < widths.size(); ++column) {
      cells[column] = wrap_text(column < row.size() ? row[column] : "", widths[column]);
      height = std::max(height, cells[column].size());
    }
    std::string out;
    for (std::size_t index = 0; index < height; ++index) {
      std::string text;
      for (std::size_t column = 0; column < widths.size(); ++column) {
        const std::string cell = index < cells[column].size() ? cells[column][index] : "";
        const std::string padding(widths[column] - utf8_length(cell), ' ');
        // A wrapped cell is text, whatever it ends with.
        const bool right = !is_header && column > 0 && cells[column].size() == 1 && looks_numeric(row[column]);
        text += right ? padding + cell : cell + padding;
        if (column + 1 < widths.size()) text += "  ";
      }
      while (!text.empty() && text.back() == ' ') text.pop_back();
      out += text + "\n";
    }
    return out;
  };

  std::string out = lines(header_, true);
  std::string rule;
  for (std::size_t column = 0; column < widths.size(); ++column)
    rule += std::string(widths[column], '-') + (column + 1 < widths.size() ? "  " : "");
  out += rule + "\n";
  for (const auto& row : rows_) out += lines(row, false);
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
