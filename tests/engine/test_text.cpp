// UTF-8 text: character counts and the check that refuses text that is not UTF-8 (engine/text.hpp).
#include <catch2/catch.hpp>

#include "engine/text.hpp"

using namespace steppe;

TEST_CASE("text: utf8_length counts an em dash as one character", "[text]") { CHECK(utf8_length("a — b") == 5); }

TEST_CASE("text: well-formed UTF-8 of every length passes the check", "[text]") {
  CHECK_FALSE(first_invalid_utf8(""));
  CHECK_FALSE(first_invalid_utf8("plain ASCII"));
  CHECK_FALSE(first_invalid_utf8("Ulaanbaatar — Улаанбаатар, 乌兰巴托, 𝄞"));
  CHECK_FALSE(first_invalid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF, the last code point
}

TEST_CASE("text: the check finds where the first broken sequence starts", "[text]") {
  CHECK(first_invalid_utf8("caf\xFF") == 3u);           // a byte no sequence starts with
  CHECK(first_invalid_utf8("ab\xC3\x28") == 2u);        // a lead byte without its continuation
  CHECK(first_invalid_utf8("ab\xC3") == 2u);            // cut short at the end
  CHECK(first_invalid_utf8("\xC0\xAF") == 0u);          // overlong '/'
  CHECK(first_invalid_utf8("\xE0\x80\xAF") == 0u);      // overlong, three bytes
  CHECK(first_invalid_utf8("x\xED\xA0\x80") == 1u);     // a UTF-16 surrogate
  CHECK(first_invalid_utf8("\xF4\x90\x80\x80") == 0u);  // above U+10FFFF
  CHECK(first_invalid_utf8("ok — \x80") == 7u);         // a lone continuation byte after a dash
}
