// The YAML scenario loader (docs/scenario-format.md) against a small model registered here, so
// that these tests depend on no real model's declaration.
#include <fmt/format.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <climits>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <system_error>

#include "engine/io/scenario_loader.hpp"

namespace {

using namespace steppe;
namespace fs = std::filesystem;

RoleDecl role(std::string name, int min_count, int max_count) {
  RoleDecl decl;
  decl.name = std::move(name);
  decl.min_count = min_count;
  decl.max_count = max_count;
  return decl;
}

VariableDecl variable(std::string name, std::string role, double initial, Per per = Per::owner,
                      std::string per_role = "") {
  VariableDecl decl;
  decl.name = std::move(name);
  decl.role = std::move(role);
  decl.initial = initial;
  decl.per = per;
  decl.per_role = std::move(per_role);
  return decl;
}

ParameterDecl parameter(std::string name, std::string role, double value, double max) {
  ParameterDecl decl;
  decl.name = std::move(name);
  decl.role = std::move(role);
  decl.value = value;
  decl.max = max;
  return decl;
}

LeverDecl lever_decl(std::string name, std::string role, double value, double min = 0, std::string realized_as = "") {
  LeverDecl decl;
  decl.name = std::move(name);
  decl.role = std::move(role);
  decl.value = value;
  decl.min = min;
  decl.realized_as = std::move(realized_as);
  return decl;
}

EventKindDecl event_kind(std::string name, std::string role) {
  EventKindDecl decl;
  decl.name = std::move(name);
  decl.role = std::move(role);
  return decl;
}

// Something of every kind the loader handles: a per-neighbor and a per-lever variable, a derived
// initial, an internal variable, a system variable, global, per-actor, per-pair and choice
// parameters, levers of three roles, two event kinds, a network and "{role}" default outcomes.
ModelDeclaration test_declaration() {
  ModelDeclaration d;
  d.name = "loader_test_model";
  d.version = "1";
  d.roles = {role("focal", 1, 1), role("neighbor", 1, 3), role("partner", 1, -1)};

  VariableDecl dependence = variable("dependence", "focal", 0.3, Per::actor, "neighbor");
  dependence.actor_initials = {{"CHN", 0.585}};
  VariableDecl trust = variable("trust", "focal", 0);
  trust.derived_initial = true;
  VariableDecl momentum = variable("momentum", "focal", 0);
  momentum.internal = true;
  VariableDecl threat = variable("threat_perception", "neighbor", 0);
  threat.max = 5;
  d.variables = {variable("autonomy", "focal", 0.5),
                 dependence,
                 trust,
                 momentum,
                 variable("coercion", "neighbor", 0.1),
                 threat,
                 variable("engagement", "partner", 0, Per::lever),
                 variable("tension", "system", 0)};

  ParameterDecl mode = parameter("mode", "", 0, 1);
  mode.choices = {"linear", "logistic"};
  ParameterDecl theta = parameter("theta", "neighbor", 1.5, 5);
  theta.actor_values = {{"CHN", 2.0}};
  ParameterDecl reaction = parameter("reaction", "neighbor", 0.2, 1);
  reaction.per = "neighbor";
  d.parameters = {parameter("alpha", "", 0.05, 1), mode, theta, reaction};

  d.levers = {lever_decl("air_link", "partner", 0.0, 0, "engagement"),
              lever_decl("khaan_quest", "partner", 0.6, 0, "engagement"), lever_decl("framing", "partner", 0.0, -1),
              lever_decl("direct_pressure", "neighbor", 0.05), lever_decl("balanced_diplomacy", "focal", 0.5)};
  d.event_kinds = {event_kind("leadership_turnover", "focal"), event_kind("partner_election", "partner")};
  d.default_outcomes = {"{focal}.autonomy.final", "{neighbor}.coercion.max", "{focal}.dependence.{neighbor}.final"};
  d.network = NetworkRoles{.focal = "focal", .neighbors = "neighbor", .partners = "partner"};
  return d;
}

// A model without a network, for the `network` key where none belongs.
ModelDeclaration plain_declaration() {
  ModelDeclaration d;
  d.name = "loader_test_plain";
  d.roles = {role("focal", 1, 1)};
  d.variables = {variable("autonomy", "focal", 0.5)};
  return d;
}

// A model whose roles have names of its own: the network takes its parts from the declaration.
ModelDeclaration own_roles_declaration() {
  ModelDeclaration d;
  d.name = "loader_test_own_roles";
  d.roles = {role("capital", 1, 1), role("power", 1, -1), role("ally", 1, -1)};
  d.variables = {variable("standing", "capital", 0.5), variable("supply", "ally", 0, Per::lever)};
  d.levers = {lever_decl("airlift", "ally", 0.5, 0, "supply"), lever_decl("pressure", "power", 0)};
  d.network = NetworkRoles{.focal = "capital", .neighbors = "power", .partners = "ally"};
  return d;
}

// The loader only reads declarations; it never compiles a kernel.
template <ModelDeclaration (*declare)()>
class DeclarationOnlyModel : public Model {
 public:
  const ModelDeclaration& declaration() const override { return declaration_; }
  std::unique_ptr<Kernel> compile(const Layout&, const std::vector<double>&, const Network*) const override {
    return nullptr;
  }

 private:
  ModelDeclaration declaration_ = declare();
};

ModelRegistration<DeclarationOnlyModel<test_declaration>> registration;
ModelRegistration<DeclarationOnlyModel<plain_declaration>> plain_registration;
ModelRegistration<DeclarationOnlyModel<own_roles_declaration>> own_roles_registration;

fs::path data_file(const std::string& name) { return fs::path(STEPPE_SOURCE_DIR) / "tests" / "data" / "loader" / name; }

// A folder of this process's own for the scenarios the tests write, removed at exit.
struct ScratchFolder {
  fs::path path = fs::temp_directory_path() / ("steppe_loader_test_" + std::to_string(::getpid()));
  ScratchFolder() { fs::create_directories(path); }
  ~ScratchFolder() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

fs::path write_scenario(const std::string& text, const std::string& name = "case.yaml") {
  static const ScratchFolder folder;
  const fs::path path = folder.path / name;
  std::ofstream(path) << text;
  return path;
}

// A valid scenario through line 7; cases append their own lines from line 8 on.
std::string header(const std::string& start = "2025-01", const std::string& months = "120") {
  return fmt::format(
      "model: loader_test_model\n"
      "start: {}\n"
      "months: {}\n"
      "actors: {{MNG: focal, CHN: neighbor, RUS: neighbor, USA: partner}}\n"
      "network:\n"
      "  edges:\n"
      "    - {{from: USA, to: MNG}}\n",
      start, months);
}

std::optional<InputError> load_error(const fs::path& file, const LoadOptions& options = {}) {
  try {
    load_scenario(file, options);
  } catch (const InputError& error) {
    return error;
  }
  return std::nullopt;
}

void check_error(const std::optional<InputError>& error, const std::string& file, const std::string& key_path, int line,
                 int column, const std::string& message) {
  REQUIRE(error);
  INFO(error->what());
  CHECK(error->mark().file == file);
  CHECK(error->key_path() == key_path);
  CHECK(error->mark().line == line);
  CHECK(error->mark().column == column);
  CHECK(error->message() == message);
}

// Loads `text` as a scenario file and checks the error it must raise.
void check_text_error(const std::string& text, const std::string& key_path, int line, int column,
                      const std::string& message, const LoadOptions& options = {}) {
  INFO(text);
  const fs::path file = write_scenario(text);
  check_error(load_error(file, options), file.string(), key_path, line, column, message);
}

// A --set error: no file position, the flag as the file, the name as the key path.
// A --set NAME=VALUE that fails with `message`, then the change as typed with the last
// occurrence of `wrong` in it underlined.
void check_override_error(const std::string& name, const std::string& value, const std::string& message,
                          const std::string& wrong) {
  const std::string typed = name + "=" + value;
  LoadOptions options;
  options.overrides = {parse_override(typed)};
  const std::string underline =
      std::string(std::string("--set ").size() + typed.rfind(wrong), ' ') + std::string(wrong.size(), '^');
  check_error(load_error(data_file("good.yaml"), options), "--set", name, 0, 0,
              message + "\n  --set " + typed + "\n  " + underline);
}

int lever(const Scenario& scenario, const std::string& actor, const std::string& name) {
  const int slot = scenario.layout->lever_index(actor, name);
  REQUIRE(slot >= 0);
  return slot;
}

double lever_at(const Scenario& scenario, const std::string& actor, const std::string& name, int month) {
  const int slot = lever(scenario, actor, name);
  return scenario.levers[slot].value_at(month, scenario.layout->levers()[slot].status_quo);
}

std::vector<std::string> outcome_names(const Scenario& scenario) {
  std::vector<std::string> names;
  for (const auto& outcome : scenario.outcomes) names.push_back(outcome.name);
  return names;
}

}  // namespace

TEST_CASE("a complete scenario loads with every field", "[loader]") {
  const auto scenario = load_scenario(data_file("good.yaml"));
  const Layout& layout = *scenario->layout;

  CHECK(scenario->model_name == "loader_test_model");
  CHECK(scenario->model == ModelRegistry::instance().find("loader_test_model"));
  CHECK(scenario->title == "Calibrated engagement");
  CHECK(scenario->description == "Every key of the format once.\n");
  CHECK(scenario->start == YearMonth{2025, 1});
  CHECK(scenario->months == 120);
  CHECK(scenario->seed == 7);
  CHECK(scenario->stochastic);
  REQUIRE(layout.actors().size() == 4);
  CHECK(layout.actors()[1].name == "CHN");
  CHECK(layout.actors()[3].role == "partner");

  SECTION("parameters: defaults, overrides, choices by name") {
    REQUIRE(scenario->parameters.size() == layout.parameters().size());
    CHECK(scenario->parameters[layout.parameter_index("", "alpha")] == 0.06);
    CHECK(scenario->parameters[layout.parameter_index("CHN", "theta")] == 2.5);
    CHECK(scenario->parameters[layout.parameter_index("RUS", "theta")] == 1.5);
    CHECK(scenario->parameters[layout.parameter_index("", "mode")] == 1);
    CHECK(scenario->parameters[layout.parameter_index("CHN", "reaction.RUS")] == 0.3);
    CHECK(scenario->parameters[layout.parameter_index("RUS", "reaction.CHN")] == 0.2);
  }

  SECTION("initial state: defaults and overrides") {
    REQUIRE(scenario->initial.size() == layout.state().size());
    CHECK(scenario->initial[layout.state_index("MNG", "autonomy")] == 0.45);
    CHECK(scenario->initial[layout.state_index("MNG", "dependence.CHN")] == 0.6);
    CHECK(scenario->initial[layout.state_index("MNG", "dependence.RUS")] == 0.3);
    CHECK(scenario->initial[layout.state_index("USA", "engagement.khaan_quest")] == 0.6);
    CHECK(layout.state_index("USA", "engagement.framing") < 0);
  }

  SECTION("lever schedules of every form") {
    REQUIRE(scenario->levers.size() == layout.levers().size());
    CHECK(lever_at(*scenario, "USA", "framing", 0) == -0.5);
    CHECK(lever_at(*scenario, "USA", "framing", 119) == -0.5);
    CHECK(lever_at(*scenario, "USA", "air_link", 17) == 0.0);
    CHECK(lever_at(*scenario, "USA", "air_link", 18) == 1.0);
    CHECK(lever_at(*scenario, "USA", "air_link", 119) == 1.0);
    CHECK(lever_at(*scenario, "USA", "khaan_quest", 0) == Approx(0.6));
    CHECK(lever_at(*scenario, "USA", "khaan_quest", 12) == Approx(0.7));
    CHECK(lever_at(*scenario, "USA", "khaan_quest", 24) == Approx(0.8));
    CHECK(lever_at(*scenario, "USA", "khaan_quest", 100) == Approx(0.8));
    // A pulse over the status quo (0.05).
    CHECK(lever_at(*scenario, "CHN", "direct_pressure", 59) == 0.05);
    CHECK(lever_at(*scenario, "CHN", "direct_pressure", 60) == 0.15);
    CHECK(lever_at(*scenario, "CHN", "direct_pressure", 65) == 0.15);
    CHECK(lever_at(*scenario, "CHN", "direct_pressure", 66) == 0.05);
    // The `set` event's window.
    CHECK(lever_at(*scenario, "RUS", "direct_pressure", 71) == 0.05);
    CHECK(lever_at(*scenario, "RUS", "direct_pressure", 72) == 0.2);
    CHECK(lever_at(*scenario, "RUS", "direct_pressure", 74) == 0.2);
    CHECK(lever_at(*scenario, "RUS", "direct_pressure", 75) == 0.05);
    CHECK(scenario->levers[lever(*scenario, "MNG", "balanced_diplomacy")].segments.empty());
  }

  SECTION("triggers") {
    REQUIRE(scenario->triggers.size() == 2);
    const Trigger& first = scenario->triggers[0];
    CHECK(first.when.state_slot == layout.state_index("CHN", "coercion"));
    CHECK(first.when.comparison == Comparison::greater);
    CHECK(first.when.threshold == 0.4);
    CHECK(first.when.text == "CHN.coercion > 0.4");
    REQUIRE(first.set.size() == 1);
    CHECK(first.set[0] == std::pair<int, double>{lever(*scenario, "MNG", "balanced_diplomacy"), 0.9});
    CHECK(first.note == "Mongolia reassures Beijing");
    const Trigger& second = scenario->triggers[1];
    CHECK(second.when.state_slot == layout.state_index("MNG", "dependence.RUS"));
    CHECK(second.when.comparison == Comparison::less_equal);
    CHECK(second.when.threshold == 0.1);
    CHECK(second.note.empty());
  }

  SECTION("events, jumps and the timeline, by month") {
    REQUIRE(scenario->model_events.size() == 2);
    CHECK(scenario->model_events[0].month == 29);
    CHECK(scenario->model_events[0].kind == 0);
    CHECK(scenario->model_events[0].actor == 0);
    CHECK(scenario->model_events[0].note == "2027 presidential election");
    CHECK(scenario->model_events[1].month == 46);
    CHECK(scenario->model_events[1].kind == 1);
    CHECK(scenario->model_events[1].actor == 3);
    REQUIRE(scenario->jumps.size() == 1);
    CHECK(scenario->jumps[0].month == 10);
    REQUIRE(scenario->jumps[0].deltas.size() == 1);
    CHECK(scenario->jumps[0].deltas[0] == std::pair<int, double>{layout.state_index("CHN", "threat_perception"), 1.0});
    REQUIRE(scenario->timeline.size() == 4);
    CHECK(scenario->timeline[0].month == 10);
    CHECK(scenario->timeline[0].text == "jump CHN.threat_perception +1: 2016-style affront");
    CHECK(scenario->timeline[1].text == "leadership_turnover MNG: 2027 presidential election");
    CHECK(scenario->timeline[2].text == "partner_election USA");
    CHECK(scenario->timeline[3].month == 72);
    CHECK(scenario->timeline[3].text == "RUS.direct_pressure = 0.2 until 2031-03: border squeeze");
  }

  SECTION("network") {
    REQUIRE(scenario->network);
    REQUIRE(scenario->network->edges().size() == 4);
    CHECK(scenario->network->edges()[0].base == 0.9);
    CHECK(scenario->network->edges()[2].gate == "air_link");
    CHECK(scenario->network->edges()[2].controls.size() == 2);
    REQUIRE(scenario->network->partner_count() == 1);
    CHECK(scenario->network->routes(0).size() == 2);
  }

  SECTION("outcomes") {
    CHECK(outcome_names(*scenario) ==
          std::vector<std::string>{"MNG.autonomy.final", "CHN.coercion.max", "MNG.autonomy.months_above(0.5)",
                                   "system.tension.first_above(0.3)", "MNG.dependence.CHN.mean"});
    CHECK(scenario->outcomes[2].statistic == Statistic::months_above);
    CHECK(scenario->outcomes[2].threshold == 0.5);
    CHECK(scenario->outcomes[3].state_slot == layout.state_index("system", "tension"));
    CHECK(scenario->outcomes[4].state_slot == layout.state_index("MNG", "dependence.CHN"));
    CHECK(scenario->outcomes[4].statistic == Statistic::mean);
  }

  SECTION("provenance") {
    CHECK(scenario->files == std::vector<std::string>{data_file("good.yaml").string()});
    CHECK(scenario->content_hash.size() == 16);
    CHECK(scenario->content_hash.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(load_scenario(data_file("good.yaml"))->content_hash == scenario->content_hash);
  }
}

TEST_CASE("default outcomes expand {role} over the actors", "[loader]") {
  const auto scenario = load_scenario(write_scenario(header()));
  CHECK(outcome_names(*scenario) == std::vector<std::string>{"MNG.autonomy.final", "CHN.coercion.max",
                                                             "RUS.coercion.max", "MNG.dependence.CHN.final",
                                                             "MNG.dependence.RUS.final"});
  CHECK(scenario->seed == 1);
  CHECK_FALSE(scenario->stochastic);
  CHECK(scenario->parameters[scenario->layout->parameter_index("", "alpha")] == 0.05);
  CHECK(scenario->initial[scenario->layout->state_index("MNG", "dependence.CHN")] == 0.585);
}

TEST_CASE("extends applies the base, then the file on top", "[loader]") {
  const auto scenario = load_scenario(data_file("variants/child.yaml"));
  const Layout& layout = *scenario->layout;

  CHECK(scenario->title == "Child");
  CHECK(scenario->months == 60);
  CHECK(scenario->start == YearMonth{2025, 1});
  std::vector<std::string> actors;
  for (const auto& actor : layout.actors()) actors.push_back(actor.name);
  CHECK(actors == std::vector<std::string>{"MNG", "CHN", "USA", "RUS", "JPN"});
  CHECK(scenario->parameters[layout.parameter_index("", "alpha")] == 0.08);
  CHECK(scenario->parameters[layout.parameter_index("CHN", "theta")] == 3.0);

  // The pulse stacks on the base's schedule...
  CHECK(lever_at(*scenario, "USA", "air_link", 11) == 0.0);
  CHECK(lever_at(*scenario, "USA", "air_link", 12) == 1.0);
  CHECK(lever_at(*scenario, "USA", "air_link", 24) == 0.5);
  CHECK(lever_at(*scenario, "USA", "air_link", 26) == 0.5);
  CHECK(lever_at(*scenario, "USA", "air_link", 27) == 1.0);
  // ...any other schedule replaces it: the base's constant 0.9 is gone.
  CHECK(lever_at(*scenario, "USA", "khaan_quest", 0) == 0.6);
  CHECK(lever_at(*scenario, "USA", "khaan_quest", 12) == 0.7);

  REQUIRE(scenario->model_events.size() == 1);
  CHECK(scenario->model_events[0].month == 12);
  REQUIRE(scenario->jumps.size() == 1);
  CHECK(scenario->jumps[0].month == 36);
  CHECK(scenario->jumps[0].deltas[0].second == -0.1);

  REQUIRE(scenario->network);
  CHECK(scenario->network->edges().size() == 3);
  CHECK(scenario->network->partner_count() == 2);
  CHECK(outcome_names(*scenario) == std::vector<std::string>{"CHN.coercion.max"});

  CHECK(scenario->files ==
        std::vector<std::string>{data_file("variants/child.yaml").string(), data_file("base.yaml").string()});
  CHECK(scenario->content_hash != load_scenario(data_file("base.yaml"))->content_hash);
}

TEST_CASE("an error in an extended file names that file", "[loader]") {
  // variants/short.yaml cuts the run to 2025, so the base's step at 2026-01 falls outside it.
  check_error(load_error(data_file("variants/short.yaml")), data_file("base.yaml").string(),
              "levers.USA.air_link.2026-01", 9, 32,
              "date 2026-01 is outside the run (the run covers 2025-01 to 2025-12)");
}

TEST_CASE("extends: missing base and cycles", "[loader]") {
  check_error(load_error(data_file("missing_base.yaml")), data_file("missing_base.yaml").string(), "extends", 1, 10,
              "cannot read scenario file '" + data_file("no_such_base.yaml").string() + "': No such file or directory");
  const std::string a = data_file("cycle_a.yaml").string();
  const std::string b = data_file("cycle_b.yaml").string();
  check_error(load_error(data_file("cycle_a.yaml")), b, "extends", 2, 10,
              "extends cycle: " + a + " -> " + b + " -> " + a);
}

TEST_CASE("file and syntax errors", "[loader]") {
  const fs::path missing = data_file("no_such_file.yaml");
  check_error(load_error(missing), missing.string(), "", 0, 0, "cannot read scenario file: No such file or directory");
  check_text_error("model: [a, b\nstart: 2025-01\n", "", 2, 6, "end of sequence flow not found");
  check_text_error("- model\n", "", 1, 1, "expected a map, got a list");
  // yaml-cpp reads a top-level ',' as empty documents without end (found by tests/fuzz).
  check_text_error(",model: x\n", "", 1, 1, "unexpected ',' outside a [list] or {map}");
  check_text_error("[model, start],\n", "", 1, 15, "unexpected ',' outside a [list] or {map}");
  check_text_error("", "", 0, 0, "expected a map, got nothing");
  check_text_error(header() + "parameters:\n  alpha: 0.1\n  alpha: 0.2\n", "parameters.alpha", 10, 3,
                   "duplicate key 'alpha'");
}

TEST_CASE("unknown names get a did-you-mean", "[loader]") {
  check_text_error(
      header() + "levrs: {}\n", "levrs", 8, 1,
      "unknown key 'levrs', did you mean 'levers'? (keys: extends, title, description, model, start, months, "
      "seed, stochastic, actors, parameters, initial, levers, triggers, controllers, events, network, outcomes, "
      "uncertainties, sweep)");
  check_text_error("model: loader_test_modl\n", "model", 1, 8,
                   "unknown model 'loader_test_modl', did you mean 'loader_test_model'?");
  check_text_error(header() + "levers:\n  USA.air_lnk: 1\n", "levers.USA.air_lnk", 9, 3,
                   "unknown lever 'USA.air_lnk', did you mean 'USA.air_link'?");
  check_text_error(header() + "levers:\n  UZA.air_link: 1\n", "levers.UZA.air_link", 9, 3,
                   "unknown lever 'UZA.air_link', did you mean 'USA.air_link'?");
  check_text_error(header() + "parameters: {alpah: 0.1}\n", "parameters.alpah", 8, 14,
                   "unknown parameter 'alpah', did you mean 'alpha'?");
  check_text_error(header() + "parameters: {mode: logstic}\n", "parameters.mode", 8, 20,
                   "unknown choice 'logstic', did you mean 'logistic'? (choices: linear, logistic)");
  check_text_error(header() + "initial: {MNG.dependence.CHA: 0.5}\n", "initial.MNG.dependence.CHA", 8, 11,
                   "unknown variable 'MNG.dependence.CHA', did you mean 'MNG.dependence.CHN'?");
  check_text_error(
      "model: loader_test_model\nstart: 2025-01\nmonths: 12\n"
      "actors: {MNG: focal, CHN: neigbor, USA: partner}\n",
      "actors.CHN", 4, 27, "unknown role 'neigbor', did you mean 'neighbor'? (roles: focal, neighbor, partner)");
  check_text_error(header() +
                       "levers:\n"
                       "  USA.khaan_quest: {ramp: {from: 2025-01, too: 2027-01, start: 0.6, end: 0.8}}\n",
                   "levers.USA.khaan_quest.ramp.too", 9, 43,
                   "unknown key 'too', did you mean 'to'? (keys: from, to, start, end)");
  check_text_error(header() + "levers:\n  USA.khaan_quest: {rmap: {from: 2025-01}}\n", "levers.USA.khaan_quest.rmap", 9,
                   21, "unknown schedule form 'rmap', did you mean 'ramp'?");
  check_text_error(header() + "triggers:\n  - when: CHN.coersion > 0.4\n    set: {USA.air_link: 1}\n",
                   "triggers[0].when", 9, 11, "unknown variable 'CHN.coersion', did you mean 'CHN.coercion'?");
  check_text_error(header() + "triggers:\n  - {when: CHN.coercion > 0.4, set: {USA.air_link: 1}, nte: x}\n",
                   "triggers[0].nte", 9, 56, "unknown key 'nte', did you mean 'note'? (keys: when, set, note)");
  check_text_error(header() + "events:\n  - {at: 2027-06, event: leadership_turnovr, actor: MNG}\n", "events[0].event",
                   9, 26,
                   "unknown event kind 'leadership_turnovr', did you mean 'leadership_turnover'? (event kinds: "
                   "leadership_turnover, partner_election)");
  check_text_error(header() + "events:\n  - {at: 2027-06, event: leadership_turnover, actor: MGN}\n", "events[0].actor",
                   9, 54, "unknown actor 'MGN', did you mean 'MNG'? (actors: MNG, CHN, RUS, USA)");
  check_text_error(header() + "events:\n  - {at: 2027-06, evnt: leadership_turnover}\n", "events[0].evnt", 9, 19,
                   "unknown key 'evnt', did you mean 'event'? (keys: at, event, actor, jump, from, to, set, note)");
  check_text_error(header() + "outcomes: [MNG.autonomy.fnal]\n", "outcomes[0]", 8, 12,
                   "unknown statistic 'fnal', did you mean 'final'? (statistics: final, mean, min, max, sum, "
                   "months_above(x), months_below(x), first_above(x), first_below(x))");
  check_text_error(header() + "outcomes: [MNG.autonmy.final]\n", "outcomes[0]", 8, 12,
                   "unknown variable 'MNG.autonmy', did you mean 'MNG.autonomy'?");
}

TEST_CASE("wrong types, non-finite and out-of-range values", "[loader]") {
  check_text_error(header() + "parameters: {alpha: abc}\n", "parameters.alpha", 8, 21, "expected a number, got 'abc'");
  check_text_error(header() + "parameters: {alpha: [1, 2]}\n", "parameters.alpha", 8, 21,
                   "expected a number, got a list");
  check_text_error(header() + "parameters:\n  alpha:\n", "parameters.alpha", 9, 3, "expected a number, got nothing");
  check_text_error(header() + "parameters: {alpha: 1.7}\n", "parameters.alpha", 8, 21, "value 1.7 is outside [0, 1]");
  check_text_error(header() + "parameters: {alpha: .nan}\n", "parameters.alpha", 8, 21,
                   "expected a finite number, got '.nan'");
  check_text_error(header() + "parameters: {mode: 0.5}\n", "parameters.mode", 8, 20,
                   "expected a choice (linear, logistic) or its index, got 0.5");
  check_text_error(header() + "initial: {MNG.autonomy: -.inf}\n", "initial.MNG.autonomy", 8, 25,
                   "expected a finite number, got '-.inf'");
  check_text_error(header() + "initial: {MNG.autonomy: 1e999}\n", "initial.MNG.autonomy", 8, 25,
                   "expected a finite number, got '1e999'");
  check_text_error(header() + "levers: {USA.framing: -1.5}\n", "levers.USA.framing", 8, 23,
                   "value -1.5 is outside [-1, 1]");
  check_text_error(header() + "levers: {USA.framing: +-1}\n", "levers.USA.framing", 8, 23,
                   "expected a number, got '+-1'");
  check_text_error(header() + "levers: {USA.framing: {}}\n", "levers.USA.framing", 8, 23,
                   "expected a schedule, got an empty map");
  check_text_error(header() + "levers: {USA.air_link: {pulse: {from: 2025-01, to: 2025-02, value: 2}}}\n",
                   "levers.USA.air_link.pulse.value", 8, 68, "value 2 is outside [0, 1]");
  check_text_error(header("2025-01", "{a: 1}"), "months", 3, 9, "expected a non-negative whole number, got a map");
  check_text_error(header("2025-01", "12.5"), "months", 3, 9, "expected a non-negative whole number, got '12.5'");
  check_text_error(header("2025-01", "7000"), "months", 3, 9, "value 7000 is outside [1, 6000]");
  check_text_error(header() + "seed: -1\n", "seed", 8, 7, "expected a non-negative whole number, got '-1'");
  check_text_error(header() + "stochastic: maybe\n", "stochastic", 8, 13, "expected true or false, got 'maybe'");
  check_text_error(header() + "title: [a]\n", "title", 8, 8, "expected text, got a list");
  check_text_error(header() + "triggers: {when: x}\n", "triggers", 8, 11, "expected a list, got a map");
  check_text_error(header() + "triggers:\n  - {when: CHN.coercion >> 0.4, set: {USA.air_link: 1}}\n",
                   "triggers[0].when", 9, 12, "expected a number, got '> 0.4'");
  check_text_error(header() + "triggers:\n  - {when: CHN.coercion = 0.4, set: {USA.air_link: 1}}\n", "triggers[0].when",
                   9, 12, "expected 'ACTOR.variable OP number' with OP one of > >= < <=, got 'CHN.coercion = 0.4'");
  check_text_error(header() + "events:\n  - {at: 2027-06, jump: {MNG.autonomy: .inf}}\n", "events[0].jump.MNG.autonomy",
                   9, 40, "expected a finite number, got '.inf'");
  check_text_error(header() + "outcomes: [MNG.autonomy.months_above(x)]\n", "outcomes[0]", 8, 12,
                   "expected a finite number as the threshold of 'months_above', got 'x'");
  check_text_error(header() + "outcomes: [MNG.autonomy.months_above]\n", "outcomes[0]", 8, 12,
                   "statistic 'months_above' needs a threshold, e.g. months_above(0.5)");
}

TEST_CASE("values that a scenario may not set", "[loader]") {
  check_text_error(header() + "initial: {MNG.trust: 0.5}\n", "initial.MNG.trust", 8, 22,
                   "the model computes the initial value of 'MNG.trust'; a scenario cannot set it");
  check_text_error(header() + "initial: {MNG.momentum: 0.5}\n", "initial.MNG.momentum", 8, 25,
                   "'MNG.momentum' is internal bookkeeping of the model; a scenario cannot set it");
}

TEST_CASE("dates: format, horizon and order", "[loader]") {
  check_text_error(header("2025-13"), "start", 2, 8, "invalid date '2025-13', expected YYYY-MM");
  check_text_error(header() + "levers:\n  USA.air_link: {2025-01: 0, 2035-01: 1}\n", "levers.USA.air_link.2035-01", 9,
                   30, "date 2035-01 is outside the run (the run covers 2025-01 to 2034-12)");
  check_text_error(header() + "levers:\n  USA.air_link: {2026-07: 1, 2026-01: 0}\n", "levers.USA.air_link.2026-01", 9,
                   30, "dates go backwards: 2026-01 is not after 2026-07");
  // A one-digit month is not YYYY-MM (it was once read as 2026-07, here a repeated date).
  check_text_error(header() + "levers:\n  USA.air_link: {2026-07: 1, 2026-7: 0}\n", "levers.USA.air_link.2026-7", 9, 30,
                   "invalid date '2026-7', expected YYYY-MM");
  check_text_error(header("2025-1"), "start", 2, 8, "invalid date '2025-1', expected YYYY-MM");
  check_text_error(header() + "levers:\n  USA.air_link: {ramp: {from: 2026-01, to: 2026-01, start: 0, end: 1}}\n",
                   "levers.USA.air_link.ramp.to", 9, 44, "a ramp must end after it starts");
  check_text_error(header() + "levers:\n  USA.air_link: {ramp: {from: 2026-01, to: 2027-01}}\n",
                   "levers.USA.air_link.ramp", 9, 24, "missing 'start'");
  check_text_error(header() + "levers:\n  USA.air_link: {pulse: {from: 2026-02, to: 2026-01, value: 1}}\n",
                   "levers.USA.air_link.pulse.to", 9, 45, "a pulse must not end before it starts");
  check_text_error(header() + "events:\n  - {at: 2024-12, event: leadership_turnover, actor: MNG}\n", "events[0].at", 9,
                   10, "date 2024-12 is outside the run (the run covers 2025-01 to 2034-12)");
  check_text_error(header() + "events:\n  - {from: 2026-02, to: 2026-01, set: {USA.air_link: 1}}\n", "events[0].to", 9,
                   25, "the window ends before it starts");
  check_text_error(header() + "levers:\n  USA.air_link: {2025-01: 0, 2026-07: 1, ramp: {}}\n",
                   "levers.USA.air_link.ramp", 9, 42, "'ramp' must be the only key of its schedule");
}

TEST_CASE("events: kinds and roles", "[loader]") {
  check_text_error(header() + "events:\n  - {at: 2027-06, event: leadership_turnover, actor: CHN}\n", "events[0].actor",
                   9, 54, "'leadership_turnover' happens to a focal actor; 'CHN' is a neighbor");
  check_text_error(header() + "events:\n  - {at: 2027-06, jump: {MNG.autonomy: 0.1}, set: {USA.air_link: 1}}\n",
                   "events[0].set", 9, 46, "an event has exactly one of 'event', 'jump' and 'set'");
  check_text_error(header() + "events:\n  - {at: 2027-06, note: nothing}\n", "events[0]", 9, 5,
                   "an event needs one of 'event', 'jump' or 'set'");
  check_text_error(header() + "events:\n  - {at: 2027-06, to: 2027-07, jump: {MNG.autonomy: 0.1}}\n", "events[0].to", 9,
                   19, "'to' does not belong in a 'jump' event");
  check_text_error(header() + "events:\n  - {at: 2027-06, event: leadership_turnover}\n", "events[0]", 9, 5,
                   "missing 'actor'");
  check_text_error(header() + "triggers:\n  - {when: CHN.coercion > 0.4, set: {}}\n", "triggers[0].set", 9, 37,
                   "expected at least one lever");
}

TEST_CASE("actors: names and role counts", "[loader]") {
  const std::string head = "model: loader_test_model\nstart: 2025-01\nmonths: 12\n";
  check_text_error(head + "actors: {MNG: focal, KAZ: focal, CHN: neighbor, USA: partner}\n", "actors.KAZ", 4, 27,
                   "role 'focal' takes exactly 1 actor, got 2");
  check_text_error(head + "actors: {MNG: focal, CHN: neighbor}\n", "actors", 4, 9,
                   "role 'partner' takes at least 1 actor, got 0");
  check_text_error(head +
                       "actors: {MNG: focal, A1: neighbor, A2: neighbor, A3: neighbor, "
                       "A4: neighbor, USA: partner}\n",
                   "actors.A4", 4, 68, "role 'neighbor' takes 1 to 3 actors, got 4");
  check_text_error(head, "actors", 0, 0, "role 'focal' takes exactly 1 actor, got 0");
  check_text_error(head + "actors: {M: focal}\n", "actors.M", 4, 10,
                   "invalid actor name 'M': use 2 to 16 letters, digits or '_'");
  check_text_error(head + "actors: {MNG-1: focal}\n", "actors.MNG-1", 4, 10,
                   "invalid actor name 'MNG-1': use 2 to 16 letters, digits or '_'");
  check_text_error(head + "actors: {system: focal}\n", "actors.system", 4, 10,
                   "'system' is the name of the system-level actor");
}

TEST_CASE("required keys and the network", "[loader]") {
  check_text_error(
      "model: loader_test_model\nstart: 2025-01\n"
      "actors: {MNG: focal, CHN: neighbor, USA: partner}\n",
      "months", 0, 0, "missing required key 'months'");
  check_text_error(
      "model: loader_test_model\nstart: 2025-01\nmonths: 12\n"
      "actors: {MNG: focal, CHN: neighbor, USA: partner}\n",
      "network", 0, 0, "missing required key 'network' (model 'loader_test_model' uses one)");
  check_text_error(
      "model: loader_test_plain\nstart: 2025-01\nmonths: 12\nactors: {MNG: focal}\n"
      "network: {edges: []}\n",
      "network", 5, 10, "model 'loader_test_plain' uses no network");
  const std::string head =
      "model: loader_test_model\nstart: 2025-01\nmonths: 12\n"
      "actors: {MNG: focal, CHN: neighbor, USA: partner, JPN: partner}\n"
      "network:\n  edges:\n";
  check_text_error(head + "    - {from: USA, to: MNG}\n", "actors.JPN", 4, 51,
                   "partner 'JPN' cannot reach 'MNG': no route in the network leads from it");
  check_text_error(
      head + "    - {from: USA, to: MNG, controled_by: {CHN: 1}}\n", "network.edges[0].controled_by", 7, 28,
      "unknown key 'controled_by', did you mean 'controlled_by'? (keys: from, to, base, gate, controlled_by)");
  check_text_error(head + "    - {from: USA, to: MGN}\n", "network.edges[0].to", 7, 7,
                   "unknown node 'MGN', did you mean 'MNG'?");
  check_text_error(head + "    - {from: USA, to: MNG, controlled_by: {CHM: 1}}\n", "network.edges[0].controlled_by.CHM",
                   7, 44, "unknown neighbor 'CHM', did you mean 'CHN'?");
  check_text_error(head + "    - {from: USA, to: MNG, controlled_by: {CHN: 1.5}}\n",
                   "network.edges[0].controlled_by.CHN", 7, 49, "value 1.5 is outside [0, 1]");
  check_text_error(head + "    - {from: USA, to: MNG, base: x}\n", "network.edges[0].base", 7, 34,
                   "expected a number, got 'x'");
}

TEST_CASE("the network's parts are played by the roles the model declares for them", "[loader]") {
  const std::string head =
      "model: loader_test_own_roles\nstart: 2025-01\nmonths: 12\n"
      "actors: {CAP: capital, EAST: power, WEST: power, FRIEND: ally}\n"
      "network:\n  nodes: [PASS]\n  edges:\n    - {from: PASS, to: CAP}\n";
  const auto scenario =
      load_scenario(write_scenario(head + "    - {from: FRIEND, to: PASS, gate: airlift, controlled_by: {WEST: 0.5}}\n"
                                          "    - {from: FRIEND, to: CAP, base: 0.4, controlled_by: {EAST: 1}}\n"));
  REQUIRE(scenario->network);
  CHECK(scenario->network->partners() == std::vector<std::string>{"FRIEND"});
  CHECK(scenario->network->routes(0).size() == 2);
  CHECK(scenario->network->edges()[1].gate == "airlift");
  CHECK(scenario->network->edges()[1].controls == std::vector<std::pair<int, double>>{{1, 0.5}});
  CHECK(scenario->network->edges()[2].controls == std::vector<std::pair<int, double>>{{0, 1.0}});
  // Only the allies' levers realized over time gate edges, and only the powers control them.
  const auto gated = load_error(write_scenario(head + "    - {from: FRIEND, to: CAP, gate: pressure}\n"));
  REQUIRE(gated);
  CHECK_THAT(gated->message(), Catch::Contains("lever 'pressure'"));
  const auto controlled =
      load_error(write_scenario(head + "    - {from: FRIEND, to: CAP, controlled_by: {FRIEND: 1}}\n"));
  REQUIRE(controlled);
  CHECK(controlled->message() == "'FRIEND' is not a neighbor; only neighbors control edges");
}

TEST_CASE("command-line options", "[loader]") {
  const auto plain = load_scenario(data_file("good.yaml"));

  SECTION("--months, --seed and --stochastic replace the file's values") {
    LoadOptions options;
    options.months = 80;
    options.seed = 99;
    options.stochastic = false;
    const auto scenario = load_scenario(data_file("good.yaml"), options);
    CHECK(scenario->months == 80);
    CHECK(scenario->seed == 99);
    CHECK_FALSE(scenario->stochastic);
    CHECK(scenario->content_hash != plain->content_hash);
  }

  SECTION("--months changes the run, not the horizon the file's dates are checked against") {
    LoadOptions options;
    options.months = 6;
    const fs::path file = write_scenario(header("2025-01", "12") + "levers:\n  USA.air_link: {2025-10: 1}\n");
    const auto shortened = load_scenario(file, options);
    CHECK(shortened->months == 6);
    CHECK(lever_at(*shortened, "USA", "air_link", 9) == 1.0);
    const fs::path outside = write_scenario(header("2025-01", "12") + "levers:\n  USA.air_link: {2026-01: 1}\n");
    options.months = 60;
    check_error(load_error(outside, options), outside.string(), "levers.USA.air_link.2026-01", 9, 18,
                "date 2026-01 is outside the run (the run covers 2025-01 to 2025-12)");
    options.months = 0;
    check_error(load_error(file, options), "--months", "months", 0, 0, "value 0 is outside [1, 6000]");
  }

  SECTION("--set: a parameter, an initial value, a lever as a constant") {
    LoadOptions options;
    options.overrides = {parse_override("alpha=0.09"), parse_override("mode=linear"),
                         parse_override("MNG.autonomy=+0.3"), parse_override("USA.air_link=1")};
    const auto scenario = load_scenario(data_file("good.yaml"), options);
    const Layout& layout = *scenario->layout;
    CHECK(scenario->parameters[layout.parameter_index("", "alpha")] == 0.09);
    CHECK(scenario->parameters[layout.parameter_index("", "mode")] == 0);
    CHECK(scenario->initial[layout.state_index("MNG", "autonomy")] == 0.3);
    CHECK(lever_at(*scenario, "USA", "air_link", 0) == 1.0);
    CHECK(scenario->levers[lever(*scenario, "USA", "air_link")].segments.size() == 1);
    CHECK(scenario->content_hash != plain->content_hash);
  }

  SECTION("--set errors") {
    check_override_error("alpah", "0.1", "unknown parameter, variable or lever 'alpah', did you mean 'alpha'?",
                         "alpah");
    check_override_error("USA.air_lnk", "1",
                         "unknown parameter, variable or lever 'USA.air_lnk', did you mean 'USA.air_link'?",
                         "USA.air_lnk");
    check_override_error("alpha", "0.1x", "expected a number, got '0.1x'", "0.1x");
    check_override_error("alpha", "inf", "expected a finite number, got 'inf'", "inf");
    check_override_error("USA.air_link", "2", "value 2 is outside [0, 1]", "2");
    check_override_error("MNG.trust", "0.5",
                         "the model computes the initial value of 'MNG.trust'; a scenario "
                         "cannot set it",
                         "0.5");
  }

  SECTION("parse_override") {
    const Override split = parse_override("CHN.theta=2.2=x");
    CHECK(split.name == "CHN.theta");
    CHECK(split.value == "2.2=x");
    for (const std::string text : {"alpha", "=1", "alpha="}) {
      try {
        parse_override(text);
        FAIL("no error for " << text);
      } catch (const InputError& error) {
        CHECK(error.mark().file == "--set");
        CHECK(error.message() ==
              "expected NAME=VALUE, e.g. USA.air_link=1 or CHN.direct_pressure=0.15@2030-01..2030-06"
              "\n  --set " +
                  text + "\n        " + std::string(text.size(), '^'));
      }
    }
  }
}

TEST_CASE("LeverSchedule::value_at", "[scenario]") {
  LeverSchedule schedule;
  CHECK(schedule.value_at(5, 0.25) == 0.25);
  schedule.segments = {{0, 9, 0.0, 1.0, true}, {10, INT_MAX, 1.0, 1.0, false}, {4, 5, 0.7, 0.7, false}};
  CHECK(schedule.value_at(0, 0.25) == 0.0);
  CHECK(schedule.value_at(3, 0.25) == Approx(1.0 / 3));
  CHECK(schedule.value_at(4, 0.25) == 0.7);  // the later segment wins where they overlap
  CHECK(schedule.value_at(9, 0.25) == 1.0);
  CHECK(schedule.value_at(5000, 0.25) == 1.0);
  CHECK(schedule.value_at(-1, 0.25) == 0.25);
}

TEST_CASE("LeverSchedule::constant_through ends where the value may change", "[scenario]") {
  LeverSchedule schedule;
  CHECK(schedule.constant_through(7) == INT_MAX);
  // A base schedule, a ramp, a pulse over both and a late open-ended setting.
  schedule.segments = {{3, 9, 0.2, 0.2, false},  {10, 14, 0.2, 0.8, true},       {15, INT_MAX, 0.8, 0.8, false},
                       {6, 11, 0.5, 0.5, false}, {30, INT_MAX, 0.1, 0.1, false}, {20, 20, 0.4, 0.9, true}};
  CHECK(schedule.constant_through(0) == 2);    // status quo until the base starts
  CHECK(schedule.constant_through(3) == 5);    // the pulse takes over at 6
  CHECK(schedule.constant_through(6) == 11);   // the pulse covers the ramp's start
  CHECK(schedule.constant_through(12) == 12);  // on the ramp, a month at a time
  CHECK(schedule.constant_through(15) == 19);
  CHECK(schedule.constant_through(20) == 20);  // a one-month ramp is one value
  CHECK(schedule.constant_through(21) == 29);
  CHECK(schedule.constant_through(30) == INT_MAX);
  // Whatever the month, the value holds through the month returned.
  for (int month = 0; month < 40; ++month) {
    const int through = std::min(schedule.constant_through(month), 45);
    CHECK(through >= month);
    for (int later = month; later <= through; ++later)
      CHECK(schedule.value_at(later, 0.25) == schedule.value_at(month, 0.25));
  }
}

TEST_CASE("parse_outcome", "[scenario]") {
  const auto scenario = load_scenario(write_scenario(header()));
  const Layout& layout = *scenario->layout;
  std::string error;

  const auto dotted = parse_outcome("MNG.dependence.CHN.final", layout, error);
  REQUIRE(dotted);
  CHECK(dotted->state_slot == layout.state_index("MNG", "dependence.CHN"));
  CHECK(dotted->statistic == Statistic::final);

  const auto threshold = parse_outcome("MNG.dependence.RUS.first_below(+0.25)", layout, error);
  REQUIRE(threshold);
  CHECK(threshold->state_slot == layout.state_index("MNG", "dependence.RUS"));
  CHECK(threshold->statistic == Statistic::first_below);
  CHECK(threshold->threshold == 0.25);
  CHECK(threshold->name == "MNG.dependence.RUS.first_below(+0.25)");

  CHECK_FALSE(parse_outcome("MNG.autonomy.final(1)", layout, error));
  CHECK(error == "statistic 'final' takes no threshold");
  CHECK_FALSE(parse_outcome("autonomy", layout, error));
  CHECK(error == "expected ACTOR.variable.STATISTIC, got 'autonomy'");
  CHECK_FALSE(parse_outcome("MNG.autonomy.months_above(.inf)", layout, error));
  CHECK(error == "expected a finite number as the threshold of 'months_above', got '.inf'");
}
