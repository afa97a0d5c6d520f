// Counting characters in UTF-8 text: error columns, table widths and chart label widths are in
// characters as people see them (an em dash is one), not in bytes.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string_view>

namespace steppe {

// The number of code points: every byte that does not continue a multi-byte sequence.
inline std::size_t utf8_length(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace steppe
