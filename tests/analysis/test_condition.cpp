// The --where condition of scenario discovery: what parses, what each comparison means, how
// undefined outcomes count, and the message for each malformed part.
#include <catch2/catch.hpp>
#include <cmath>

#include "engine/analysis/condition.hpp"
#include "engine/errors.hpp"

using namespace steppe;

TEST_CASE("a condition parses into clauses joined by and, either way round", "[condition]") {
  const OutcomeCondition condition = parse_condition("  MNG.autonomy.final < 0.5 and 0.3 <= CHN.coercion.max  ");
  REQUIRE(condition.clauses.size() == 2);
  CHECK(condition.text == "MNG.autonomy.final < 0.5 and 0.3 <= CHN.coercion.max");
  CHECK(condition.clauses[0].outcome == "MNG.autonomy.final");
  CHECK(condition.clauses[0].comparison == OutcomeComparison::less);
  CHECK(condition.clauses[0].threshold == 0.5);
  CHECK(condition.clauses[1].outcome == "CHN.coercion.max");
  CHECK(condition.clauses[1].comparison == OutcomeComparison::greater_equal);  // 0.3 <= x is x >= 0.3
  CHECK(condition.clauses[1].threshold == 0.3);
  CHECK(parse_condition("MNG.autonomy.months_above(0.5)>=24").clauses[0].outcome == "MNG.autonomy.months_above(0.5)");
}

TEST_CASE("every comparison means what it says and is false for an undefined outcome", "[condition]") {
  struct Case {
    std::string text;
    bool below, at, above;
  };
  for (const Case& c :
       {Case{"x < 1", true, false, false}, Case{"x <= 1", true, true, false}, Case{"x > 1", false, false, true},
        Case{"x >= 1", false, true, true}, Case{"x == 1", false, true, false}, Case{"x != 1", true, false, true}}) {
    INFO(c.text);
    const OutcomeClause clause = parse_condition(c.text).clauses[0];
    CHECK(clause.holds(0.5) == c.below);
    CHECK(clause.holds(1) == c.at);
    CHECK(clause.holds(2) == c.above);
    CHECK_FALSE(clause.holds(std::nan("")));
  }
}

TEST_CASE("a condition over rows holds where every clause holds and counts rows with an undefined outcome",
          "[condition]") {
  const OutcomeCondition condition = parse_condition("a < 0.5 and b > 2");
  Eigen::MatrixXd values(4, 2);
  values << 0.1, 3,     //
      0.1, 1,           //
      std::nan(""), 3,  //
      0.9, std::nan("");
  const OutcomeConditionCases cases = evaluate(condition, values);
  CHECK(cases.holds == std::vector<bool>{true, false, false, false});
  CHECK(cases.undefined == 2);
  CHECK_THROWS_AS(evaluate(condition, Eigen::MatrixXd(4, 1)), std::invalid_argument);
}

TEST_CASE("a malformed condition is an input error at --where naming the part and what is wrong", "[condition][bad]") {
  struct Case {
    std::string text, expected;
  };
  for (const Case& bad : {
           Case{"", "the condition is empty"},
           Case{"MNG.autonomy.final", "'MNG.autonomy.final' has no comparison"},
           Case{"x = 0.5", "compare with '==', not '='"},
           Case{"x ! 0.5", "'!' must be followed by '='"},
           Case{"x < 0.5 and y >", "part 2 'y >' needs something on both sides"},
           Case{"x < y", "must compare one outcome with one finite number"},
           Case{"1 < 2", "must compare one outcome with one finite number"},
           Case{"x < 0.5 and and y > 1", "part 2 is empty"},
           Case{"x < 0.5 or y > 1", "only 'and' joins comparisons"},
           Case{"x < 1 < 2", "more than one comparison"},
           Case{"x < nan", "finite number"},
           Case{"my outcome < 2", "'my outcome' is not an outcome name"},
       }) {
    INFO(bad.text);
    try {
      parse_condition(bad.text);
      FAIL("accepted");
    } catch (const InputError& error) {
      CHECK(error.mark().file == "--where");
      CHECK_THAT(error.message(), Catch::Contains(bad.expected));
    }
  }
}
