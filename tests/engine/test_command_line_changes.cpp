// Changes typed on the command line on top of a scenario (docs/scenario-format.md, "Changes
// from the command line"): --set as a constant, from a date, in a window or as a ramp; --event;
// --jump; a --with list; and their errors, each underlining the part typed wrong.
#include <catch2/catch.hpp>
#include <climits>
#include <fstream>

#include "engine/io/scenario_loader.hpp"
#include "support.hpp"

using namespace steppe;

namespace {

std::string baseline() { return testing::source_path("scenarios/baseline.yaml").string(); }

std::shared_ptr<const Scenario> with(const std::vector<Override>& changes) {
  LoadOptions options;
  options.overrides = changes;
  return load_scenario(baseline(), options);
}

double lever_at(const Scenario& scenario, const std::string& name, int month) {
  const auto dot = name.find('.');
  const int slot = scenario.layout->lever_index(name.substr(0, dot), name.substr(dot + 1));
  REQUIRE(slot >= 0);
  return scenario.levers[slot].value_at(month, scenario.layout->levers()[slot].status_quo);
}

// The error loading baseline with `changes`: its message in full.
std::string error_of(const std::vector<Override>& changes) {
  try {
    with(changes);
  } catch (const InputError& error) {
    return error.message();
  }
  FAIL("no error");
  return "";
}

template <class Parse>
std::string parse_error(Parse parse, const std::string& text) {
  try {
    parse(text);
  } catch (const InputError& error) {
    return error.message();
  }
  FAIL("no error for " << text);
  return "";
}

}  // namespace

TEST_CASE("a --set on a lever: a constant, a value from a date, a window and a ramp, over the schedule",
          "[scenario][command-line]") {
  const auto plain = with({});
  // baseline starts in 2025-01: 2030-01 is month 60.
  const auto from = with({parse_override("USA.air_link=1@2030-01")});
  CHECK(lever_at(*from, "USA.air_link", 59) == lever_at(*plain, "USA.air_link", 59));
  CHECK(lever_at(*from, "USA.air_link", 60) == 1);
  CHECK(lever_at(*from, "USA.air_link", 119) == 1);
  CHECK(from->changes == std::vector<std::string>{"USA.air_link=1@2030-01"});

  const auto window = with({parse_override("CHN.direct_pressure=0.15@2030-01..2030-06")});
  CHECK(lever_at(*window, "CHN.direct_pressure", 59) == lever_at(*plain, "CHN.direct_pressure", 59));
  CHECK(lever_at(*window, "CHN.direct_pressure", 60) == 0.15);
  CHECK(lever_at(*window, "CHN.direct_pressure", 65) == 0.15);
  CHECK(lever_at(*window, "CHN.direct_pressure", 66) == lever_at(*plain, "CHN.direct_pressure", 66));

  // A ramp is linear in the month index, from START at FROM to END at TO, then END.
  const auto ramp = with({parse_override("USA.khaan_quest=0.6..0.8@2026-01..2028-01")});
  CHECK(lever_at(*ramp, "USA.khaan_quest", 11) == lever_at(*plain, "USA.khaan_quest", 11));
  CHECK(lever_at(*ramp, "USA.khaan_quest", 12) == Approx(0.6));
  CHECK(lever_at(*ramp, "USA.khaan_quest", 24) == Approx(0.7));
  CHECK(lever_at(*ramp, "USA.khaan_quest", 36) == Approx(0.8));
  CHECK(lever_at(*ramp, "USA.khaan_quest", 100) == Approx(0.8));

  // A window on top of a constant set before it: the constant returns after the window.
  const auto both = with({parse_override("USA.air_link=0.5"), parse_override("USA.air_link=1@2027-01..2027-12")});
  CHECK(lever_at(*both, "USA.air_link", 0) == 0.5);
  CHECK(lever_at(*both, "USA.air_link", 30) == 1);
  CHECK(lever_at(*both, "USA.air_link", 36) == 0.5);

  // The timeline notes the window for charts and reports, and the hash covers the change.
  bool noted = false;
  for (const TimelineNote& note : window->timeline)
    noted = noted || (note.month == 60 && note.text == "CHN.direct_pressure = 0.15 until 2030-06");
  CHECK(noted);
  CHECK(window->content_hash != plain->content_hash);
  CHECK(window->content_hash != with({parse_override("CHN.direct_pressure=0.15@2030-01..2030-07")})->content_hash);
}

TEST_CASE("an --event and a --jump add a model event and a jump at their months", "[scenario][command-line]") {
  const auto plain = with({});
  const auto changed =
      with({parse_event("leadership_turnover MNG 2029-06"), parse_jump("CHN.threat_perception=+1@2025-11")});
  REQUIRE(changed->model_events.size() == plain->model_events.size() + 1);
  bool found = false;
  for (const ScheduledModelEvent& event : changed->model_events)
    found = found || (event.month == 53 && changed->layout->actors()[event.actor].name == "MNG" &&
                      changed->layout->declaration().event_kinds[event.kind].name == "leadership_turnover");
  CHECK(found);
  REQUIRE(changed->jumps.size() == plain->jumps.size() + 1);
  found = false;
  for (const StateJump& jump : changed->jumps)
    found = found || (jump.month == 10 && jump.deltas.size() == 1 && jump.deltas[0].second == 1.0 &&
                      changed->layout->state_name(jump.deltas[0].first) == "CHN.threat_perception");
  CHECK(found);
  CHECK(std::is_sorted(changed->model_events.begin(), changed->model_events.end(),
                       [](const auto& a, const auto& b) { return a.month < b.month; }));
  CHECK(changed->changes ==
        std::vector<std::string>{"event leadership_turnover MNG 2029-06", "jump CHN.threat_perception=+1@2025-11"});
}

TEST_CASE("a --with list holds several changes of every kind, each with its place in the text",
          "[scenario][command-line]") {
  const std::vector<Override> changes =
      parse_variant(" USA.air_link=1@2030-01,  event leadership_turnover MNG 2029-06 , jump MNG.autonomy=-0.1@2026-02");
  REQUIRE(changes.size() == 3);
  CHECK(changes[0].text() == "USA.air_link=1@2030-01");
  CHECK(changes[1].text() == "event leadership_turnover MNG 2029-06");
  CHECK(changes[2].text() == "jump MNG.autonomy=-0.1@2026-02");
  CHECK(error_of(parse_variant("USA.air_link=1, event leadership_turnover XYZ 2029-06")) ==
        "unknown actor 'XYZ' (actors: MNG, CHN, RUS, USA)\n"
        "  --with USA.air_link=1, event leadership_turnover XYZ 2029-06\n"
        "                                                   ^^^");
  CHECK(parse_error(parse_variant, "USA.air_link=1,,x=2").starts_with("expected NAME=VALUE"));
}

TEST_CASE("mistakes in a change: the message and the wrong part underlined", "[scenario][command-line][bad]") {
  CHECK(error_of({parse_override("CHN.theta=2.2@2030-01")}) ==
        "'CHN.theta' is a parameter: it holds one value for the whole run, without dates or a ramp\n"
        "  --set CHN.theta=2.2@2030-01\n"
        "                     ^^^^^^^^");
  CHECK(error_of({parse_override("USA.air_link=1@2030-13")}) ==
        "expected a date YYYY-MM, got '2030-13'\n"
        "  --set USA.air_link=1@2030-13\n"
        "                       ^^^^^^^");
  CHECK(error_of({parse_override("USA.air_link=1@2040-01")})
            .starts_with("date 2040-01 is outside the run (the run covers 2025-01 to 2034-12)"));
  CHECK(error_of({parse_override("CHN.direct_pressure=0.15@2030-06..2030-01")}) ==
        "the window ends before it starts\n"
        "  --set CHN.direct_pressure=0.15@2030-06..2030-01\n"
        "                                          ^^^^^^^");
  CHECK(error_of({parse_override("USA.pme=0.2..0.9")}).starts_with("a ramp needs its dates: START..END@FROM..TO"));
  CHECK(error_of({parse_override("USA.pme=0.2..1.5@2026-01..2027-01")}) ==
        "value 1.5 is outside [0, 1]\n"
        "  --set USA.pme=0.2..1.5@2026-01..2027-01\n"
        "                     ^^^");
  CHECK(error_of({parse_override("hawkishness=0.8")}) ==
        "unknown parameter, variable or lever 'hawkishness': it belongs to an actor, did you mean CHN.hawkishness or "
        "RUS.hawkishness?\n"
        "  --set hawkishness=0.8\n"
        "        ^^^^^^^^^^^");
  CHECK(error_of({parse_event("leadership_turnovr MNG 2029-06")})
            .starts_with("unknown event kind 'leadership_turnovr', did you mean 'leadership_turnover'?"));
  CHECK(error_of({parse_event("coup MNG 2029-06")})
            .starts_with("unknown event kind 'coup' (event kinds: leadership_turnover, partner_election)"));
  CHECK(error_of({parse_event("partner_election MNG 2029-06")}) ==
        "'partner_election' happens to a partner actor; 'MNG' is a focal\n"
        "  --event partner_election MNG 2029-06\n"
        "                           ^^^");
  CHECK(parse_error(parse_event, "leadership_turnover").starts_with("expected KIND ACTOR DATE"));
  CHECK(error_of({parse_event("leadership_turnover MNG")}).starts_with("expected KIND ACTOR DATE"));
  CHECK(error_of({parse_jump("CHN.threat_perception=+1")}) ==
        "a jump needs its date: NAME=DELTA@DATE\n"
        "  --jump CHN.threat_perception=+1\n"
        "                               ^^");
}

TEST_CASE("a dated change on a lever the scenario draws per member is refused until it is fixed",
          "[scenario][command-line][bad]") {
  const auto folder = testing::fresh_folder("command-line-uncertain");
  const auto file = folder / "uncertain.yaml";
  std::ofstream(file) << "extends: " << baseline() << "\nuncertainties:\n  USA.air_link: {uniform: [0, 1]}\n";
  LoadOptions options;
  options.overrides = {parse_override("USA.air_link=1@2030-01")};
  CHECK_THROWS_WITH(load_scenario(file, options), Catch::Contains("uncertain in this scenario"));
  options.overrides = {parse_override("USA.air_link=0"), parse_override("USA.air_link=1@2030-01")};
  const auto fixed = load_scenario(file, options);
  CHECK(fixed->uncertainties.empty());
  CHECK(lever_at(*fixed, "USA.air_link", 60) == 1);
}
