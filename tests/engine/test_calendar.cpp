// YearMonth (engine/calendar.hpp): parsing "YYYY-MM", month arithmetic, formatting and ordering.
#include <catch2/catch.hpp>
#include <string>

#include "engine/calendar.hpp"

using steppe::months_between;
using steppe::YearMonth;

TEST_CASE("calendar: parse accepts YYYY-MM", "[calendar]") {
  const auto january = YearMonth::parse("2025-01");
  REQUIRE(january);
  CHECK(january->year == 2025);
  CHECK(january->month == 1);

  const auto december = YearMonth::parse("2030-12");
  REQUIRE(december);
  CHECK(*december == YearMonth{2030, 12});

  CHECK(YearMonth::parse("0001-01") == YearMonth{1, 1});
  CHECK(YearMonth::parse("9999-12") == YearMonth{9999, 12});
}

TEST_CASE("calendar: parse rejects what is not a year-month", "[calendar]") {
  for (const std::string text :
       {"2025-13",  "abc",      "2025-00", "-5-01",   "2025",    "2025-",    "-01",      "",         "2025-001",
        "2025-01x", "x2025-01", "2025/01", "2025-+1", "2025--1", "0-01",     "10000-01", " 2025-01", "2025-1.5",
        "2025-1",   "2025-9",   "0000-01", "25-01",   "+025-01", "2025-01 ", "2025-٠١"}) {
    INFO("text: '" << text << "'");
    CHECK_FALSE(YearMonth::parse(text));
  }
}

TEST_CASE("calendar: plus moves across year boundaries in both directions", "[calendar]") {
  const YearMonth start{2025, 1};
  CHECK(start.plus(0) == start);
  CHECK(start.plus(1) == YearMonth{2025, 2});
  CHECK(start.plus(11) == YearMonth{2025, 12});
  CHECK(start.plus(12) == YearMonth{2026, 1});
  CHECK(start.plus(29) == YearMonth{2027, 6});
  CHECK(start.plus(120) == YearMonth{2035, 1});
  CHECK(start.plus(-1) == YearMonth{2024, 12});
  CHECK(start.plus(-13) == YearMonth{2023, 12});
  CHECK(YearMonth{2025, 11}.plus(3) == YearMonth{2026, 2});
  CHECK(YearMonth{2025, 12}.plus(-11) == YearMonth{2025, 1});
  CHECK(YearMonth{2025, 12}.plus(-12) == YearMonth{2024, 12});
}

TEST_CASE("calendar: months_between counts signed months and inverts plus", "[calendar]") {
  const YearMonth start{2025, 1};
  CHECK(months_between(start, start) == 0);
  CHECK(months_between(start, YearMonth{2027, 6}) == 29);
  CHECK(months_between(start, YearMonth{2035, 1}) == 120);
  CHECK(months_between(start, YearMonth{2024, 12}) == -1);
  CHECK(months_between(YearMonth{2030, 6}, YearMonth{2025, 1}) == -65);
  for (int months : {-40, -12, -1, 0, 1, 7, 12, 100, 6000}) CHECK(months_between(start, start.plus(months)) == months);
}

TEST_CASE("calendar: to_string zero-pads year and month", "[calendar]") {
  CHECK(YearMonth{2025, 1}.to_string() == "2025-01");
  CHECK(YearMonth{2025, 12}.to_string() == "2025-12");
  CHECK(YearMonth{5, 3}.to_string() == "0005-03");
  CHECK(YearMonth{987, 10}.to_string() == "0987-10");
  // Round trip.
  for (const std::string text : {"2025-01", "1999-09", "0042-11"}) CHECK(YearMonth::parse(text)->to_string() == text);
}

TEST_CASE("calendar: year-months order by year, then month", "[calendar]") {
  CHECK(YearMonth{2024, 12} < YearMonth{2025, 1});
  CHECK(YearMonth{2025, 1} < YearMonth{2025, 2});
  CHECK(YearMonth{2025, 2} > YearMonth{2024, 11});
  CHECK(YearMonth{2025, 6} == YearMonth{2025, 6});
  CHECK(YearMonth{2025, 6} != YearMonth{2025, 7});
  CHECK(YearMonth{2025, 6} <= YearMonth{2025, 6});
  CHECK(YearMonth{2026, 1} >= YearMonth{2025, 12});
  CHECK((YearMonth{2024, 12}.index() < YearMonth{2025, 1}.index()));
}
