// InputError formatting and the "did you mean" helpers (engine/errors.hpp).
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "engine/errors.hpp"

using steppe::closest_match;
using steppe::InputError;
using steppe::SourceMark;
using steppe::unknown_name_message;

namespace {
const std::vector<std::string> top_level = {"extends", "title",   "description", "model",     "start",  "months",
                                            "seed",    "actors",  "parameters",  "initial",   "levers", "triggers",
                                            "events",  "network", "outcomes",    "stochastic"};
}  // namespace

TEST_CASE("closest_match finds a transposition as one edit", "[errors]") {
  CHECK(closest_match("levres", top_level) == "levers");
  CHECK(closest_match("evnets", top_level) == "events");
  CHECK(closest_match("ouctomes", top_level) == "outcomes");
}

TEST_CASE("closest_match finds insertions, deletions and substitutions", "[errors]") {
  CHECK(closest_match("lever", top_level) == "levers");
  CHECK(closest_match("paramters", top_level) == "parameters");
  CHECK(closest_match("modle", top_level) == "model");
  CHECK(closest_match("stochastik", top_level) == "stochastic");
  CHECK(closest_match("mnths", top_level) == "months");
}

TEST_CASE("closest_match ignores case", "[errors]") {
  CHECK(closest_match("LEVERS", top_level) == "levers");
  CHECK(closest_match("Levres", top_level) == "levers");
  CHECK(closest_match("mng.autonomy", {"MNG.autonomy", "CHN.coercion"}) == "MNG.autonomy");
}

TEST_CASE("closest_match picks the nearest candidate", "[errors]") {
  CHECK(closest_match("CHN.coersion", {"RUS.coercion", "CHN.coercion"}) == "CHN.coercion");
  CHECK(closest_match("RUS.coercoin", {"CHN.coercion", "RUS.coercion"}) == "RUS.coercion");
  CHECK(closest_match("seeds", top_level) == "seed");
}

TEST_CASE("closest_match returns nothing for far words or no candidates", "[errors]") {
  CHECK(closest_match("banana", top_level).empty());
  CHECK(closest_match("xyzzy", top_level).empty());
  CHECK(closest_match("completely_unrelated", top_level).empty());
  CHECK(closest_match("levers", {}).empty());
  CHECK(closest_match("foo", {"bar", "baz"}).empty());
}

TEST_CASE("closest_match suggests nothing for a short word that shares no letter with any candidate", "[errors]") {
  // Two edits are always allowed, so for a word of one or two letters every candidate of up to
  // two letters is "close", even one that replaces every letter.
  CHECK(closest_match("xy", {"ab"}).empty());
  CHECK(closest_match("x", {"dt", "scheme"}).empty());
  CHECK(closest_match("XX", {"US", "CHN"}).empty());
  // A real typo of a short name is still found.
  CHECK(closest_match("UA", {"US", "CHN"}) == "US");
  CHECK(closest_match("td", {"dt", "scheme"}) == "dt");
}

TEST_CASE("unknown_name_message adds a suggestion only when one is close", "[errors]") {
  CHECK(unknown_name_message("key", "levres", top_level) == "unknown key 'levres', did you mean 'levers'?");
  CHECK(unknown_name_message("key", "banana", top_level) == "unknown key 'banana'");
  CHECK(unknown_name_message("model", "third_neigbor", {"richardson", "third_neighbor"}) ==
        "unknown model 'third_neigbor', did you mean 'third_neighbor'?");
}

TEST_CASE("unknown_name_message with a plural lists every candidate after any suggestion", "[errors]") {
  const std::vector<std::string> roles = {"focal", "neighbor", "partner"};
  CHECK(unknown_name_message("role", "partnr", roles, "roles") ==
        "unknown role 'partnr', did you mean 'partner'? (roles: focal, neighbor, partner)");
  CHECK(unknown_name_message("role", "ally", roles, "roles") ==
        "unknown role 'ally' (roles: focal, neighbor, partner)");
}

TEST_CASE("InputError::what is file:line:column: error: key.path: message", "[errors]") {
  const InputError error({"scenario.yaml", 12, 7}, "levers.USA.air_link", "expected a number");
  CHECK(std::string(error.what()) == "scenario.yaml:12:7: error: levers.USA.air_link: expected a number");
  CHECK(error.mark().file == "scenario.yaml");
  CHECK(error.mark().line == 12);
  CHECK(error.mark().column == 7);
  CHECK(error.key_path() == "levers.USA.air_link");
  CHECK(error.message() == "expected a number");
}

TEST_CASE("InputError::what leaves out what is not known", "[errors]") {
  SECTION("no column") {
    const InputError error({"a.yaml", 3, 0}, "months", "out of range");
    CHECK(std::string(error.what()) == "a.yaml:3: error: months: out of range");
  }
  SECTION("no line: the column is meaningless without it") {
    const InputError error({"a.yaml", 0, 5}, "months", "out of range");
    CHECK(std::string(error.what()) == "a.yaml: error: months: out of range");
  }
  SECTION("no key path") {
    const InputError error({"a.yaml", 3, 4}, "", "not a mapping");
    CHECK(std::string(error.what()) == "a.yaml:3:4: error: not a mapping");
  }
  SECTION("no file") {
    const InputError error({}, "seed", "expected a whole number");
    CHECK(std::string(error.what()) == "<input>: error: seed: expected a whole number");
  }
  SECTION("nothing but the message") {
    const InputError error({}, "", "something went wrong");
    CHECK(std::string(error.what()) == "<input>: error: something went wrong");
  }
  SECTION("is a std::runtime_error, not a logic_error") {
    try {
      throw InputError({"f.yaml", 1, 1}, "k", "m");
    } catch (const std::runtime_error& caught) {
      CHECK(std::string(caught.what()) == "f.yaml:1:1: error: k: m");
    }
  }
}

TEST_CASE("SourceMark::to_string gives as much of file:line:column as is known", "[errors]") {
  CHECK(SourceMark{"f.yaml", 2, 9}.to_string() == "f.yaml:2:9");
  CHECK(SourceMark{"f.yaml", 2, 0}.to_string() == "f.yaml:2");
  CHECK(SourceMark{"f.yaml", 0, 0}.to_string() == "f.yaml");
  CHECK(SourceMark{}.to_string() == "<input>");
}

TEST_CASE("closest_match skips candidates whose length is too far from the word's", "[errors]") {
  // A 5 MB name: no table of 5 M × candidate cells (it took 751 MB), and no suggestion.
  const std::string huge(5'000'000, 'x');
  const auto start = std::chrono::steady_clock::now();
  CHECK(closest_match(huge, top_level).empty());
  CHECK(unknown_name_message("model", huge, top_level).size() < 120);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(500));
  // Within the allowed distance the length cut-off changes nothing.
  CHECK(closest_match("paramet", top_level).empty());
  CHECK(closest_match("paramete", top_level) == "parameters");
  CHECK(closest_match("pa", top_level).empty());
}

TEST_CASE("shortened keeps short text and cuts long text at a character", "[errors]") {
  CHECK(steppe::shortened("levers") == "levers");
  CHECK(steppe::shortened(std::string(80, 'a')) == std::string(80, 'a'));
  CHECK(steppe::shortened(std::string(81, 'a')) == std::string(60, 'a') + "… (81 characters)");
  // 100 em dashes (3 bytes each): 60 whole ones are kept.
  std::string dashes;
  for (int index = 0; index < 100; ++index) dashes += "—";
  std::string kept;
  for (int index = 0; index < 60; ++index) kept += "—";
  CHECK(steppe::shortened(dashes) == kept + "… (100 characters)");
  const InputError error({"a.yaml", 1, 1}, std::string(1000, 'k'), "unknown");
  CHECK(std::string(error.what()).size() < 120);
}
