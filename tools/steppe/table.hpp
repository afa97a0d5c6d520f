// Aligned text tables for people: columns padded to their widest cell, numbers right-aligned.
#pragma once

#include <string>
#include <vector>

namespace steppe::cli {

class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void add_row(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  std::string render() const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// Rounded for reading: "0.4724" (above a million "5.413e+117"); NaN as "—"; `signed_change` adds "+"
// to positive numbers.
std::string format_for_people(double value, bool signed_change = false);

}  // namespace steppe::cli
