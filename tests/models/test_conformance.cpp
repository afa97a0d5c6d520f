// Every registered model against the engine's contract: it ships models/<name>/example.yaml, its
// declaration is well-formed, random levers within their ranges keep the state in range and
// finite, the same seed gives the same run, and a checkpoint restores an identical continuation.
// A new model gets these checks by registering itself; nothing here names it.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "support.hpp"

using namespace steppe;
using namespace steppe::testing;

namespace {

std::shared_ptr<const Scenario> example(const std::string& model, const LoadOptions& options = {}) {
  const auto file = source_path("models/" + model + "/example.yaml");
  INFO("example scenario " << file.string());
  REQUIRE(std::filesystem::is_regular_file(file));
  auto scenario = load_scenario(file, options);
  REQUIRE(scenario);
  REQUIRE(scenario->model_name == model);
  return scenario;
}

std::vector<MemberArrays> run_all(const std::shared_ptr<const Scenario>& scenario, std::int64_t members) {
  return run_months(scenario, members);
}

template <typename Decl>
void check_unique_names(const std::vector<Decl>& list, const std::string& what) {
  std::set<std::string> seen;
  for (const Decl& decl : list) {
    INFO(what << " '" << decl.name << "'");
    CHECK_FALSE(decl.name.empty());
    CHECK(seen.insert(decl.name).second);
  }
}

void check_within(double value, double min, double max, const std::string& what) {
  INFO(what << " = " << value << ", range [" << min << ", " << max << "]");
  CHECK(std::isfinite(value));
  CHECK(min <= max);
  CHECK(value >= min);
  CHECK(value <= max);
}

// "{role}" expanded over the actors of each role, as the loader does for default outcomes.
void expand(const std::string& text, const Layout& layout, std::vector<std::string>& out) {
  const auto open = text.find('{');
  if (open == std::string::npos) {
    out.push_back(text);
    return;
  }
  const auto close = text.find('}', open);
  REQUIRE(close != std::string::npos);
  const std::string role = text.substr(open + 1, close - open - 1);
  INFO("default outcome '" << text << "' names role '" << role << "'");
  REQUIRE(layout.declaration().find_role(role) != nullptr);
  for (const std::string& actor : layout.actors_with_role(role))
    expand(text.substr(0, open) + actor + text.substr(close + 1), layout, out);
}

}  // namespace

TEST_CASE("conformance: every model folder (models/<name>/example.yaml) is registered, and nothing else",
          "[conformance]") {
  // A folder whose registrar the linker dropped, or a model registered under another name than its
  // folder's, shows here. (models/function_model holds shared code, no model: it has no example.)
  std::set<std::string> folders;
  for (const auto& entry : std::filesystem::directory_iterator(source_path("models")))
    if (std::filesystem::is_regular_file(entry.path() / "example.yaml")) folders.insert(entry.path().filename());
  const auto names = ModelRegistry::instance().names();
  CHECK(std::set<std::string>(names.begin(), names.end()) == folders);
  for (const std::string& name : names) {
    INFO("model " << name);
    REQUIRE(ModelRegistry::instance().find(name) != nullptr);
    CHECK(ModelRegistry::instance().find(name)->declaration().name == name);
  }
  CHECK(ModelRegistry::instance().find("no_such_model") == nullptr);
}

TEST_CASE("conformance: every model ships models/<name>/example.yaml that loads", "[conformance]") {
  for (const std::string& name : ModelRegistry::instance().names()) {
    INFO("model " << name);
    const auto file = source_path("models/" + name + "/example.yaml");
    CHECK(std::filesystem::is_regular_file(file));
    if (std::filesystem::is_regular_file(file)) CHECK_NOTHROW(load_scenario(file));
  }
}

TEST_CASE("conformance: every declaration is well-formed", "[conformance]") {
  for (const std::string& name : ModelRegistry::instance().names()) {
    INFO("model " << name);
    const ModelDeclaration& d = ModelRegistry::instance().find(name)->declaration();
    CHECK_FALSE(d.version.empty());
    CHECK_FALSE(d.help.empty());
    // A model without roles (a test function) has only system-level variables.
    const bool system_only =
        std::all_of(d.variables.begin(), d.variables.end(), [](const VariableDecl& v) { return v.role == "system"; });
    CHECK((!d.roles.empty() || system_only));

    SECTION("names are unique within each list: " + name) {
      check_unique_names(d.roles, "role");
      check_unique_names(d.variables, "variable");
      check_unique_names(d.parameters, "parameter");
      check_unique_names(d.levers, "lever");
      check_unique_names(d.event_kinds, "event kind");
      check_unique_names(d.random_events, "random event");
      check_unique_names(d.derived, "derived quantity");
      for (const RoleDecl& role : d.roles) {
        INFO("role " << role.name);
        CHECK(role.name != "system");
        CHECK(role.min_count >= 0);
        CHECK((role.max_count == -1 || role.max_count >= role.min_count));
      }
    }

    SECTION("every role named exists (or is 'system'): " + name) {
      auto known_role = [&](const std::string& role) { return d.find_role(role) != nullptr; };
      for (const VariableDecl& v : d.variables) {
        INFO("variable " << v.name << " of role '" << v.role << "' per '" << per_text(v) << "'");
        CHECK((v.role == "system" || known_role(v.role)));
        if (v.per == Per::actor)
          CHECK(known_role(v.per_role));
        else
          CHECK(v.per_role.empty());
      }
      for (const ParameterDecl& p : d.parameters) {
        INFO("parameter " << p.name << " of role '" << p.role << "' per '" << p.per << "'");
        CHECK((p.role.empty() || known_role(p.role)));
        CHECK((p.per.empty() || known_role(p.per)));
        if (!p.per.empty()) CHECK_FALSE(p.role.empty());
      }
      for (const LeverDecl& l : d.levers) {
        INFO("lever " << l.name << " of role '" << l.role << "'");
        CHECK(known_role(l.role));
        if (!l.realized_as.empty()) {
          // The per-lever variable that realizes it exists, belongs to the lever's role and is per lever.
          const auto found = std::find_if(d.variables.begin(), d.variables.end(),
                                          [&](const VariableDecl& v) { return v.name == l.realized_as; });
          REQUIRE(found != d.variables.end());
          CHECK(found->per == Per::lever);
          CHECK(found->role == l.role);
        }
      }
      for (const EventKindDecl& e : d.event_kinds) {
        INFO("event kind " << e.name << " of role '" << e.role << "'");
        CHECK(known_role(e.role));
      }
      for (const RandomEventDecl& e : d.random_events) {
        INFO("random event " << e.name << " of role '" << e.role << "'");
        CHECK((e.role == "system" || known_role(e.role)));
      }
      if (d.network) {
        // The network's parts are roles of the model, and the focal part takes exactly one actor.
        INFO("network roles " << d.network->focal << ", " << d.network->neighbors << ", " << d.network->partners);
        CHECK(known_role(d.network->neighbors));
        CHECK(known_role(d.network->partners));
        REQUIRE(known_role(d.network->focal));
        CHECK(d.find_role(d.network->focal)->min_count == 1);
        CHECK(d.find_role(d.network->focal)->max_count == 1);
      }
    }

    SECTION("random events draw from streams of their own, below the lever policies': " + name) {
      // Events of their own: their streams apart from one another's; a scheduled event's size: a
      // declared event kind, whose firings' streams no event of its own overlaps.
      const bool sizes_firings = std::any_of(d.random_events.begin(), d.random_events.end(),
                                             [](const RandomEventDecl& e) { return !e.event_kind.empty(); });
      std::vector<std::pair<std::uint64_t, std::uint64_t>> taken;  // [first, end) of each event of its own
      for (const RandomEventDecl& e : d.random_events) {
        INFO("random event " << e.name << ", streams " << e.stream << " (" << e.streams << ")");
        if (!e.event_kind.empty()) {
          CHECK(std::any_of(d.event_kinds.begin(), d.event_kinds.end(),
                            [&](const EventKindDecl& kind) { return kind.name == e.event_kind; }));
          continue;
        }
        const std::uint64_t first = e.stream, end = std::uint64_t{e.stream} + e.streams;
        CHECK(e.streams >= 1);
        CHECK(end <= model_streams_end);
        if (sizes_firings) CHECK(first >= firing_streams_end);
        for (const auto& [other_first, other_end] : taken) CHECK((end <= other_first || first >= other_end));
        taken.emplace_back(first, end);
      }
    }

    SECTION("defaults lie within their ranges: " + name) {
      for (const VariableDecl& v : d.variables) {
        check_within(v.initial, v.min, v.max, "initial of variable " + v.name);
        for (const auto& [actor, value] : v.actor_initials)
          check_within(value, v.min, v.max, "initial of variable " + v.name + " for " + actor);
      }
      for (const ParameterDecl& p : d.parameters) {
        check_within(p.value, p.min, p.max, "parameter " + p.name);
        for (const auto& [actor, value] : p.actor_values)
          check_within(value, p.min, p.max, "parameter " + p.name + " for " + actor);
        if (!p.choices.empty()) {
          INFO("choice parameter " << p.name);
          CHECK(p.min == 0);
          CHECK(p.max == static_cast<double>(p.choices.size() - 1));
          CHECK(p.value == std::floor(p.value));
        }
      }
      for (const LeverDecl& l : d.levers) {
        check_within(l.value, l.min, l.max, "status quo of lever " + l.name);
        for (const auto& [actor, value] : l.actor_values)
          check_within(value, l.min, l.max, "status quo of lever " + l.name + " for " + actor);
      }
    }

    SECTION("levers, parameters and variables have help and a source: " + name) {
      for (const VariableDecl& v : d.variables) {
        INFO("variable " << v.name);
        CHECK_FALSE(v.help.empty());
        CHECK_FALSE(v.source.empty());
      }
      for (const ParameterDecl& p : d.parameters) {
        INFO("parameter " << p.name);
        CHECK_FALSE(p.help.empty());
        CHECK_FALSE(p.source.empty());
      }
      for (const LeverDecl& l : d.levers) {
        INFO("lever " << l.name);
        CHECK_FALSE(l.help.empty());
        CHECK_FALSE(l.source.empty());
      }
      for (const EventKindDecl& e : d.event_kinds) {
        INFO("event kind " << e.name);
        CHECK_FALSE(e.help.empty());
        CHECK_FALSE(e.source.empty());
      }
      for (const RandomEventDecl& e : d.random_events) {
        INFO("random event " << e.name);
        CHECK_FALSE(e.help.empty());
        CHECK_FALSE(e.source.empty());
      }
      for (const RoleDecl& r : d.roles) {
        INFO("role " << r.name);
        CHECK_FALSE(r.help.empty());
      }
      for (const DerivedDecl& q : d.derived) {
        INFO("derived quantity " << q.name);
        CHECK_FALSE(q.help.empty());
        CHECK_FALSE(q.source.empty());
        CHECK((q.role == "system" || d.find_role(q.role) != nullptr));
        CHECK(q.per != Per::lever);
        if (q.per == Per::actor) CHECK(d.find_role(q.per_role) != nullptr);
      }
    }

    SECTION("default outcomes and chart panels resolve on the example scenario: " + name) {
      const auto scenario = example(name);
      const Layout& layout = *scenario->layout;
      std::vector<std::string> expanded;
      for (const std::string& text : d.default_outcomes) expand(text, layout, expanded);
      CHECK_FALSE(expanded.empty());
      for (const std::string& text : expanded) {
        INFO("default outcome " << text);
        std::string error;
        const auto outcome = parse_outcome(text, layout, error);
        CHECK(outcome);
        CHECK(error.empty());
        if (outcome) {
          CHECK(outcome->state_slot >= 0);
          CHECK(outcome->state_slot < static_cast<int>(layout.state().size()));
        }
      }
      // The example names no outcomes, so the loader ran the defaults.
      CHECK(scenario->outcomes.size() == expanded.size());
      for (const ChartPanelDecl& panel : d.chart_panels) {
        INFO("chart panel " << panel.title << " of variable " << panel.variable);
        CHECK_FALSE(panel.title.empty());
        CHECK(d.find_variable(panel.variable) != nullptr);
      }
    }
  }
}

TEST_CASE("conformance: random levers within their ranges keep every state in range and finite", "[conformance]") {
  for (const std::string& name : ModelRegistry::instance().names()) {
    INFO("model " << name);
    // 60 steps, or the whole run when the example is shorter (its event dates pin its horizon).
    const auto scenario = example(name);
    const Layout& layout = *scenario->layout;
    const int steps = std::min(60, scenario->months);
    for (const bool stochastic : {false, true}) {
      INFO((stochastic ? "stochastic" : "deterministic"));
      LoadOptions run_options;
      run_options.stochastic = stochastic;
      run_options.seed = 7;
      const auto run_scenario = example(name, run_options);
      REQUIRE(run_scenario->layout->state().size() == layout.state().size());
      REQUIRE(run_scenario->layout->levers().size() == layout.levers().size());
      const std::int64_t members = stochastic ? 4 : 1;
      Simulation simulation(run_scenario, {members, 0});
      std::mt19937 generator(20250101u);
      auto check_state = [&](int month) {
        const MemberArrays& state = simulation.state();
        for (std::size_t slot = 0; slot < layout.state().size(); ++slot) {
          const Layout::StateSlot& s = layout.state()[slot];
          INFO("month " << month << ", " << layout.state_name(static_cast<int>(slot)));
          const auto column = state.col(static_cast<Eigen::Index>(slot));
          REQUIRE(column.isFinite().all());
          if (s.decl->internal || !s.decl->clipped) continue;
          INFO("range [" << s.decl->min << ", " << s.decl->max << "], got [" << column.minCoeff() << ", "
                         << column.maxCoeff() << "]");
          REQUIRE((column >= s.decl->min).all());
          REQUIRE((column <= s.decl->max).all());
        }
      };
      check_state(0);
      for (int month = 0; month < steps; ++month) {
        for (std::size_t slot = 0; slot < layout.levers().size(); ++slot) {
          const LeverDecl& lever = *layout.levers()[slot].decl;
          std::uniform_real_distribution<double> value(lever.min, lever.max);
          simulation.set_lever(static_cast<int>(slot), value(generator));
        }
        simulation.step();
        check_state(month + 1);
      }
      CHECK(simulation.month() == steps);
    }
  }
}

TEST_CASE("conformance: levers at their bounds keep every state in range and finite", "[conformance]") {
  for (const std::string& name : ModelRegistry::instance().names()) {
    INFO("model " << name);
    const auto scenario = example(name);
    const Layout& layout = *scenario->layout;
    for (const bool at_max : {false, true}) {
      INFO("every lever at its " << (at_max ? "max" : "min"));
      Simulation simulation(scenario);
      for (std::size_t slot = 0; slot < layout.levers().size(); ++slot) {
        const LeverDecl& lever = *layout.levers()[slot].decl;
        simulation.set_lever(static_cast<int>(slot), at_max ? lever.max : lever.min);
      }
      while (!simulation.finished()) {
        simulation.step();
        for (std::size_t slot = 0; slot < layout.state().size(); ++slot) {
          const VariableDecl& decl = *layout.state()[slot].decl;
          const double value = simulation.state()(0, static_cast<Eigen::Index>(slot));
          INFO("month " << simulation.month() << ", " << layout.state_name(static_cast<int>(slot)) << " = " << value);
          REQUIRE(std::isfinite(value));
          if (decl.internal || !decl.clipped) continue;
          REQUIRE(value >= decl.min);
          REQUIRE(value <= decl.max);
        }
      }
    }
  }
}

TEST_CASE("conformance: the same seed gives a bit-identical stochastic run", "[conformance]") {
  for (const std::string& name : ModelRegistry::instance().names()) {
    INFO("model " << name);
    LoadOptions options;
    options.stochastic = true;
    options.seed = 42;
    const auto first = run_all(example(name, options), 8);
    const auto second = run_all(example(name, options), 8);
    CHECK(identical(first, second));

    // A model that declares random events draws them from the seeded streams, so another seed
    // changes its stochastic runs; one that declares none draws nothing, so its stochastic runs
    // are its deterministic ones.
    const bool draws = !ModelRegistry::instance().find(name)->declaration().random_events.empty();
    options.seed = 43;
    const auto other_seed = run_all(example(name, options), 8);
    if (draws) CHECK_FALSE(identical(first, other_seed));
    options.stochastic = false;
    if (!draws) CHECK(identical(first, run_all(example(name, options), 8)));
  }
}

TEST_CASE("conformance: checkpoint then restore gives an identical continuation", "[conformance]") {
  for (const std::string& name : ModelRegistry::instance().names()) {
    INFO("model " << name);
    for (const bool stochastic : {false, true}) {
      INFO((stochastic ? "stochastic" : "deterministic"));
      LoadOptions options;
      options.stochastic = stochastic;
      options.seed = 5;
      const auto scenario = example(name, options);
      const std::int64_t members = stochastic ? 4 : 1;
      Simulation simulation(scenario, {members, 0});
      const int half = scenario->months / 2;
      for (int month = 0; month < half; ++month) simulation.step();
      const Checkpoint checkpoint = simulation.checkpoint();
      REQUIRE(checkpoint.month == half);

      std::vector<MemberArrays> first, again, fresh_run;
      while (!simulation.finished()) {
        simulation.step();
        first.push_back(simulation.state());
      }
      simulation.restore(checkpoint);
      REQUIRE(simulation.month() == half);
      while (!simulation.finished()) {
        simulation.step();
        again.push_back(simulation.state());
      }
      CHECK(identical(first, again));

      Simulation fresh(scenario, {members, 0});
      fresh.restore(checkpoint);
      while (!fresh.finished()) {
        fresh.step();
        fresh_run.push_back(fresh.state());
      }
      CHECK(identical(first, fresh_run));

      // And the whole run equals one that was never interrupted.
      Simulation straight(scenario, {members, 0});
      straight.run();
      CHECK((straight.state() == first.back()).all());
    }
  }
}

TEST_CASE("conformance: an explained run writes every derived quantity every step and leaves the state as it was",
          "[conformance][explain]") {
  for (const std::string& name : ModelRegistry::instance().names()) {
    INFO("model " << name);
    LoadOptions options;
    options.stochastic = true;
    options.seed = 11;
    const auto scenario = example(name, options);
    // 20 members: a full group of sixteen and a padded one in the flagship's kernel.
    Simulation explained(scenario, {.members = 20, .first_member = 0, .explain = true});
    Simulation plain(scenario, {.members = 20, .first_member = 0});
    const int steps = std::min(24, scenario->months);
    for (int month = 0; month < steps; ++month) {
      INFO("month " << month);
      explained.step();
      plain.step();
      REQUIRE((explained.state() == plain.state()).all());
      REQUIRE(explained.derived().cols() == static_cast<Eigen::Index>(scenario->layout->derived().size()));
      // Set to NaN before the first step: a slot the kernel never writes stays NaN.
      REQUIRE(explained.derived().isFinite().all());
    }
    CHECK(plain.derived().size() == 0);
  }
}
