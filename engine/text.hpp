// UTF-8 text: counting characters (error columns, table widths and chart label widths are in
// characters as people see them — an em dash is one — not in bytes), and checking that input is
// UTF-8 at all before it reaches JSON, CSV or SVG.
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string_view>

namespace steppe {

// The number of code points: every byte that does not continue a multi-byte sequence.
inline std::size_t utf8_length(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// The byte length of the first `count` characters (all of `text` when it has fewer): where to cut
// it without splitting a character.
inline std::size_t utf8_prefix(std::string_view text, std::size_t count) {
  std::size_t at = 0;
  for (std::size_t seen = 0; at < text.size(); ++at)
    if ((static_cast<unsigned char>(text[at]) & 0xC0) != 0x80 && seen++ == count) break;
  return at;
}

// The offset where the first sequence that is not well-formed UTF-8 starts (RFC 3629: no overlong
// forms, no surrogates, nothing above U+10FFFF); nullopt when the text is UTF-8.
inline std::optional<std::size_t> first_invalid_utf8(std::string_view text) {
  const auto byte = [&](std::size_t at) { return static_cast<unsigned char>(text[at]); };
  for (std::size_t at = 0; at < text.size();) {
    const unsigned char lead = byte(at);
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;  // the allowed range of the second byte
    if (lead < 0x80)
      length = 1;
    else if (lead >= 0xC2 && lead <= 0xDF)
      length = 2;
    else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;   // overlong
      if (lead == 0xED) high = 0x9F;  // surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;   // overlong
      if (lead == 0xF4) high = 0x8F;  // above U+10FFFF
    } else {
      return at;
    }
    if (at + length > text.size()) return at;
    for (std::size_t next = 1; next < length; ++next) {
      const unsigned char continuation = byte(at + next);
      if (next == 1 ? continuation < low || continuation > high : (continuation & 0xC0) != 0x80) return at;
    }
    at += length;
  }
  return std::nullopt;
}

}  // namespace steppe
