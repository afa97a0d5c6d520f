// Aligned text tables for people: columns padded to their widest cell, numbers right-aligned,
// and long text wrapped so that a table fits the terminal.
#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <vector>

namespace steppe::cli {

class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void add_row(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  // Wider than `width` characters, the widest columns are narrowed and their cells wrapped at
  // spaces (words are cut only when the table cannot fit otherwise).
  std::string render(std::size_t width = std::numeric_limits<std::size_t>::max()) const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// `text` in lines of at most `width` characters (UTF-8 code points), broken at spaces; a word
// longer than a line is cut. Text that fits is left as it is.
std::vector<std::string> wrap_text(const std::string& text, std::size_t width);

// The width of the terminal stdout writes to, in characters: $COLUMNS when set, else the
// terminal's own, else (not a terminal: a pipe, a file) 100.
std::size_t terminal_width();

// Rounded for reading: "0.4724" (above a million "5.413e+117"); NaN as "—"; `signed_change` adds "+"
// to positive numbers.
std::string format_for_people(double value, bool signed_change = false);

}  // namespace steppe::cli
