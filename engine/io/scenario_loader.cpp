#include "engine/io/scenario_loader.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <xxhash.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <climits>
#include <cmath>
#include <limits>
#include <set>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "engine/controllers.hpp"
#include "engine/io/wargame_files.hpp"
#include "engine/io/yaml_input.hpp"
#include "engine/text.hpp"

namespace steppe {

namespace {

namespace fs = std::filesystem;

// Why a date is refused: it falls outside the `months` a run from `start` covers.
std::string outside_run(const YearMonth& date, const YearMonth& start, int months) {
  return fmt::format("date {} is outside the run (the run covers {} to {})", date.to_string(), start.to_string(),
                     start.plus(months - 1).to_string());
}

// The months a run covers; every date of a scenario must fall within them.
struct Horizon {
  YearMonth start;
  int months = 0;

  int month_of(const Located& at) const {
    const YearMonth date = read_date(at);
    const int month = months_between(start, date);
    if (month < 0 || month >= months) fail(at, outside_run(date, start, months));
    return month;
  }
};

// ----- Slots: parameters, state variables, levers -----------------------------------------------

double read_parameter_value(const Located& at, const Layout& layout, int slot) {
  const ParameterDecl& decl = *layout.parameters()[slot].decl;
  if (decl.choices.empty()) return read_number(at, decl.min, decl.max);
  // A choice is given by its name or by its index.
  const auto& choices = decl.choices;
  if (at.node.IsScalar() && !parse_number(at.node.Scalar())) {
    const std::string& name = at.node.Scalar();
    const auto found = std::find(choices.begin(), choices.end(), name);
    if (found == choices.end()) fail(at, unknown_name_message("choice", name, choices, "choices"));
    return static_cast<double>(found - choices.begin());
  }
  const double index = read_number(at, 0, static_cast<double>(choices.size() - 1));
  if (index != std::floor(index))
    fail(at, fmt::format("expected a choice ({}) or its index, got {}", fmt::join(choices, ", "), index));
  return index;
}

// A state variable a scenario may give an initial value: not one the model computes or keeps.
void require_settable(const Located& at, const Layout& layout, int slot) {
  const VariableDecl& decl = *layout.state()[slot].decl;
  if (decl.derived_initial)
    fail(at, fmt::format("the model computes the initial value of '{}'; a scenario cannot set it",
                         layout.state_name(slot)));
  if (decl.internal)
    fail(at,
         fmt::format("'{}' is internal bookkeeping of the model; a scenario cannot set it", layout.state_name(slot)));
}

double read_initial_value(const Located& at, const Layout& layout, int slot) {
  require_settable(at, layout, slot);
  const VariableDecl& decl = *layout.state()[slot].decl;
  return read_number(at, decl.min, decl.max);
}

double read_lever_value(const Located& at, const Layout& layout, int slot) {
  const LeverDecl& decl = *layout.levers()[slot].decl;
  return read_number(at, decl.min, decl.max);
}

// What a scenario can name and set: how to find a slot by name, list names for "did you mean",
// and check a value for a slot; `section` is where the scenario sets it.
struct SlotKind {
  const char* word;
  const char* section;
  int (Layout::*index)(const std::string&, const std::string&) const;
  std::vector<std::string> (Layout::*names)() const;
  double (*read_value)(const Located&, const Layout&, int);
};

const SlotKind parameter_slots{"parameter", "parameters", &Layout::parameter_index, &Layout::parameter_names,
                               &read_parameter_value};
const SlotKind initial_slots{"variable", "initial", &Layout::state_index, &Layout::state_names, &read_initial_value};
const SlotKind lever_slots{"lever", "levers", &Layout::lever_index, &Layout::lever_names, &read_lever_value};

// The slot named "ACTOR.name" (a global parameter: just "name"); -1 when there is none. The
// actor ends at the first '.', as variable names may have dots of their own ("dependence.CHN").
int find_slot(const Layout& layout, const SlotKind& kind, const std::string& name) {
  const auto dot = name.find('.');
  if (dot == std::string::npos) return (layout.*kind.index)("", name);
  return (layout.*kind.index)(name.substr(0, dot), name.substr(dot + 1));
}

// Where a name is read: under its section (`parameters`, `initial`, `levers`), or elsewhere (a
// trigger's condition or `set`, a jump), where a name of the wrong kind cannot be moved to it.
enum class Place { section, elsewhere };

int resolve_slot(const Located& at, const std::string& name, const Layout& layout, const SlotKind& kind, Place place) {
  const int slot = find_slot(layout, kind, name);
  if (slot >= 0) return slot;
  // A name of another kind is in the wrong place, not misspelt: say where it belongs.
  for (const SlotKind* other : {&parameter_slots, &initial_slots, &lever_slots})
    if (other != &kind && find_slot(layout, *other, name) >= 0)
      fail(at, place == Place::section ? fmt::format("'{}' is a {}, not a {}: set it under {}:", name, other->word,
                                                     kind.word, other->section)
                                       : fmt::format("'{}' is a {}, not a {}", name, other->word, kind.word));
  fail(at, unknown_name_message(kind.word, name, (layout.*kind.names)()));
}

// A state variable a trigger watches or a jump moves: any but the model's internal bookkeeping.
int resolve_variable(const Located& at, const std::string& name, const Layout& layout) {
  const int slot = resolve_slot(at, name, layout, initial_slots, Place::elsewhere);
  if (layout.state()[slot].decl->internal)
    fail(at, fmt::format("'{}' is internal bookkeeping of the model; a scenario cannot use it", name));
  return slot;
}

// `NAME: value` under `parameters`, `initial` or a `set`: (slot, checked value).
std::pair<int, double> read_assignment(const Entry& entry, const Layout& layout, const SlotKind& kind, Place place) {
  const int slot = resolve_slot(entry.key, entry.name, layout, kind, place);
  return {slot, kind.read_value(entry.value, layout, slot)};
}

// `{ACTOR.lever: value, ...}` of a trigger or a `set` event.
std::vector<std::pair<int, double>> read_lever_settings(const Located& map, const Layout& layout) {
  std::vector<std::pair<int, double>> settings;
  for (const Entry& entry : entries(map))
    settings.push_back(read_assignment(entry, layout, lever_slots, Place::elsewhere));
  if (settings.empty()) fail(map, "expected at least one lever");
  return settings;
}

// ----- Schedules ------------------------------------------------------------------------------

bool is_pulse(const YAML::Node& schedule) {
  return schedule.IsMap() && schedule.size() == 1 && schedule.begin()->first.Scalar() == "pulse";
}

// One schedule as written under `levers` (docs/scenario-format.md, Schedules), as segments.
std::vector<ScheduleSegment> read_schedule(const Located& at, const Layout& layout, int slot, const Horizon& horizon) {
  auto value = [&](const Located& value_at) { return read_lever_value(value_at, layout, slot); };
  if (!at.node.IsMap()) {
    const double constant = value(at);
    return {{0, INT_MAX, constant, constant, false}};
  }

  const std::vector<Entry> written = entries(at);
  if (written.empty()) fail(at, "expected a schedule, got an empty map");
  const std::vector<std::string> forms = {"ramp", "pulse"};
  for (const Entry& entry : written)
    if (written.size() > 1 && std::find(forms.begin(), forms.end(), entry.name) != forms.end())
      fail(entry.key, fmt::format("'{}' must be the only key of its schedule", entry.name));

  const Entry& first = written.front();
  if (first.name == "ramp") {
    const Fields ramp(first.value, {"from", "to", "start", "end"});
    const int from = horizon.month_of(ramp.require("from"));
    const Located to_at = ramp.require("to");
    const int to = horizon.month_of(to_at);
    if (to <= from) fail(to_at, "a ramp must end after it starts");
    const double start = value(ramp.require("start"));
    const double end = value(ramp.require("end"));
    std::vector<ScheduleSegment> segments;
    if (from > 0) segments.push_back({0, from - 1, start, start, false});
    segments.push_back({from, to, start, end, true});
    segments.push_back({to + 1, INT_MAX, end, end, false});
    return segments;
  }
  if (first.name == "pulse") {
    const Fields pulse(first.value, {"from", "to", "value"});
    const int from = horizon.month_of(pulse.require("from"));
    const Located to_at = pulse.require("to");
    const int to = horizon.month_of(to_at);
    if (to < from) fail(to_at, "a pulse must not end before it starts");
    const double held = value(pulse.require("value"));
    return {{from, to, held, held, false}};
  }

  // A map of dates: a step function from the first date on, the status quo before it.
  std::vector<ScheduleSegment> segments;
  for (const Entry& entry : written) {
    // A misspelt ramp or pulse would otherwise read as an invalid date.
    if (!YearMonth::parse(entry.name) && !closest_match(entry.name, forms).empty())
      fail(entry.key, unknown_name_message("schedule form", entry.name, forms));
    const int month = horizon.month_of(entry.key);
    if (!segments.empty() && month <= segments.back().from)
      fail(entry.key, fmt::format("dates go backwards: {} is not after {}", horizon.start.plus(month).to_string(),
                                  horizon.start.plus(segments.back().from).to_string()));
    if (!segments.empty()) segments.back().to = month - 1;
    const double held = value(entry.value);
    segments.push_back({month, INT_MAX, held, held, false});
  }
  return segments;
}

// ----- Merging a scenario's files -------------------------------------------------------------

// A lever as merged across extended files: the schedule in force, then any pulses on top of it.
struct LeverEntry {
  std::string name;
  Located key;
  std::vector<Located> schedules;
};

// A scenario's files merged key by key (docs/scenario-format.md, Extending a scenario). Nothing
// is resolved yet, since the model, the actors and the horizon are only known once every file
// is in; each node keeps its own file so that errors in a base name the base.
struct Draft {
  std::vector<std::pair<std::string, std::string>> sources;  // (path, bytes), bases first
  std::optional<Located> model, title, description, start, months, seed, stochastic;
  std::optional<Located> actors_section, network_section, outcomes;
  std::optional<Located> sweep;  // a sweep file's `sweep:` section (docs/sweeps.md)
  std::vector<Entry> actors, parameters, initial, uncertainties;
  std::vector<LeverEntry> levers;
  std::vector<Located> triggers, events, network_nodes, network_edges, controllers;
};

const std::vector<std::string> top_level_keys = {"extends", "title",    "description",   "model",       "start",
                                                 "months",  "seed",     "stochastic",    "actors",      "parameters",
                                                 "initial", "levers",   "triggers",      "controllers", "events",
                                                 "network", "outcomes", "uncertainties", "sweep"};

// A later file's entry replaces the earlier one of the same name in place: the order stays that
// of the file that first named it (the actors' order is the layout's).
void merge_entries(std::vector<Entry>& merged, const Located& map) {
  for (Entry& entry : entries(map)) {
    const auto same =
        std::find_if(merged.begin(), merged.end(), [&](const Entry& old) { return old.name == entry.name; });
    if (same == merged.end())
      merged.push_back(std::move(entry));
    else
      *same = std::move(entry);
  }
}

// Like merge_entries, except that a pulse goes on top of the lever's earlier schedule.
void merge_levers(std::vector<LeverEntry>& merged, const Located& map) {
  for (Entry& entry : entries(map)) {
    const auto same =
        std::find_if(merged.begin(), merged.end(), [&](const LeverEntry& old) { return old.name == entry.name; });
    if (same == merged.end())
      merged.push_back({entry.name, entry.key, {entry.value}});
    else if (is_pulse(entry.value.node))
      same->schedules.push_back(entry.value);
    else
      *same = {entry.name, entry.key, {entry.value}};
  }
}

void apply_file(const Fields& fields, Draft& draft) {
  const std::pair<const char*, std::optional<Located> Draft::*> replaced[] = {
      {"model", &Draft::model},           {"title", &Draft::title},       {"description", &Draft::description},
      {"start", &Draft::start},           {"months", &Draft::months},     {"seed", &Draft::seed},
      {"stochastic", &Draft::stochastic}, {"outcomes", &Draft::outcomes}, {"sweep", &Draft::sweep}};
  for (const auto& [key, member] : replaced)
    if (auto value = fields.get(key)) draft.*member = std::move(value);

  if (auto actors = fields.get("actors")) {
    merge_entries(draft.actors, *actors);
    draft.actors_section = std::move(actors);
  }
  if (auto parameters = fields.get("parameters")) merge_entries(draft.parameters, *parameters);
  if (auto uncertainties = fields.get("uncertainties")) merge_entries(draft.uncertainties, *uncertainties);
  if (auto initial = fields.get("initial")) merge_entries(draft.initial, *initial);
  if (auto levers = fields.get("levers")) merge_levers(draft.levers, *levers);
  if (auto triggers = fields.get("triggers")) append_items(draft.triggers, *triggers);
  if (auto controllers = fields.get("controllers")) append_items(draft.controllers, *controllers);
  if (auto events = fields.get("events")) append_items(draft.events, *events);
  if (auto network = fields.get("network")) {
    const Fields parts(*network, {"nodes", "edges"});
    if (auto nodes = parts.get("nodes")) append_items(draft.network_nodes, *nodes);
    if (auto edges = parts.get("edges")) append_items(draft.network_edges, *edges);
    draft.network_section = std::move(network);
  }
}

fs::path canonical_path(const fs::path& path) {
  std::error_code error;
  fs::path canonical = fs::weakly_canonical(path, error);
  return error ? path.lexically_normal() : canonical;
}

// How many `extends:` a scenario may follow in a chain (docs/scenario-format.md, Limits): more is
// a mistake, and each file is held in memory until the chain is merged.
constexpr std::size_t max_extends_depth = 64;

// " -> "-joined names of files, the middle left out of a long chain.
std::string chain_text(const std::vector<std::string>& names) {
  std::string text;
  for (std::size_t index = 0; index < names.size(); ++index) {
    if (names.size() > 6 && index >= 3 && index + 3 < names.size()) {
      if (index == 3) text += " -> …";
      continue;
    }
    text += (index == 0 ? "" : " -> ") + names[index];
  }
  return text;
}

// Reads `file` and the chain of files it extends into `draft`, bases first. The chain is
// followed in a loop (no recursion, whatever its depth) and each file is looked up once among
// those already read, so loading is linear in the depth.
void load_files(const fs::path& file, Draft& draft) {
  struct Link {
    std::string shown;
    std::shared_ptr<const std::string> bytes;
    Fields fields;
  };
  std::vector<Link> chain;                                 // the scenario first, then its bases
  std::unordered_map<std::string, std::size_t> positions;  // canonical path -> index in `chain`
  std::optional<Located> extended_from;                    // the `extends` value naming `path`
  for (fs::path path = file;;) {
    const std::string shown = path.string();
    auto bytes = std::make_shared<const std::string>(
        read_input_file(path, "scenario file", extended_from ? &*extended_from : nullptr));
    Fields fields(parse_yaml_document(shown, bytes, "a scenario file"), top_level_keys);
    positions.emplace(canonical_path(path).string(), chain.size());
    std::optional<Located> extends = fields.get("extends");
    chain.push_back({shown, std::move(bytes), std::move(fields)});
    if (!extends) break;

    const fs::path base = (path.parent_path() / read_text(*extends)).lexically_normal();
    std::vector<std::string> names;
    if (const auto loop = positions.find(canonical_path(base).string()); loop != positions.end()) {
      for (std::size_t index = loop->second; index < chain.size(); ++index) names.push_back(chain[index].shown);
      names.push_back(chain[loop->second].shown);
      fail(*extends, fmt::format("extends cycle: {}", chain_text(names)));
    }
    if (chain.size() > max_extends_depth) {
      for (const Link& link : chain) names.push_back(link.shown);
      names.push_back(base.string());
      fail(*extends, fmt::format("more than {} levels deep ({})", max_extends_depth, chain_text(names)));
    }
    extended_from = std::move(extends);
    path = base;
  }
  for (auto link = chain.rbegin(); link != chain.rend(); ++link) {
    draft.sources.emplace_back(link->shown, *link->bytes);
    apply_file(link->fields, draft);
  }
}

// ----- Resolving the merged draft -------------------------------------------------------------

// A key that none of the scenario's files has; reported against the scenario file itself.
const Located& required(const std::optional<Located>& value, const std::string& file, const std::string& key) {
  if (!value) throw InputError({file}, key, fmt::format("missing required key '{}'", key));
  return *value;
}

std::string count_bounds(const RoleDecl& role) {
  const auto actors = [](int count) { return fmt::format("{} actor{}", count, count == 1 ? "" : "s"); };
  if (role.max_count < 0) return "at least " + actors(role.min_count);
  if (role.min_count == role.max_count) return "exactly " + actors(role.min_count);
  return fmt::format("{} to {}", role.min_count, actors(role.max_count));
}

bool valid_actor_name(const std::string& name) {
  return name.size() >= 2 && name.size() <= 16 && std::all_of(name.begin(), name.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
         });
}

std::vector<Actor> read_actors(const Draft& draft, const ModelDeclaration& declaration, const std::string& file) {
  std::vector<std::string> role_names;
  for (const RoleDecl& role : declaration.roles) role_names.push_back(role.name);

  std::vector<Actor> actors;
  for (const Entry& entry : draft.actors) {
    if (entry.name == "system") fail(entry.key, "'system' is the name of the system-level actor");
    if (!valid_actor_name(entry.name))
      fail(entry.key, fmt::format("invalid actor name '{}': use 2 to 16 letters, digits or '_'", entry.name));
    const std::string role = read_text(entry.value);
    if (!declaration.find_role(role)) fail(entry.value, unknown_name_message("role", role, role_names, "roles"));
    actors.push_back({entry.name, role});
  }

  for (const RoleDecl& role : declaration.roles) {
    std::vector<const Entry*> holders;
    for (const Entry& entry : draft.actors)
      if (entry.value.node.Scalar() == role.name) holders.push_back(&entry);
    const int count = static_cast<int>(holders.size());
    const std::string message = fmt::format("role '{}' takes {}, got {}", role.name, count_bounds(role), count);
    if (role.max_count >= 0 && count > role.max_count) fail(holders[role.max_count]->value, message);
    if (count < role.min_count) {
      if (draft.actors_section) fail(*draft.actors_section, message);
      throw InputError({file}, "actors", message);
    }
  }
  return actors;
}

Condition read_condition(const Located& at, const Layout& layout) {
  const std::string text = read_text(at);
  const std::string expected =
      fmt::format("expected 'ACTOR.variable OP number' with OP one of > >= < <=, got '{}'", text);
  const auto op = text.find_first_of("<>");
  if (op == std::string::npos) fail(at, expected);
  const bool or_equal = op + 1 < text.size() && text[op + 1] == '=';
  const auto trim = [](std::string part) {
    const auto first = part.find_first_not_of(" \t");
    if (first == std::string::npos) return std::string();
    return part.substr(first, part.find_last_not_of(" \t") - first + 1);
  };
  const std::string variable = trim(text.substr(0, op));
  const std::string threshold = trim(text.substr(op + (or_equal ? 2 : 1)));
  if (variable.empty() || threshold.empty()) fail(at, expected);

  Condition condition;
  condition.text = text;
  condition.comparison = text[op] == '>' ? (or_equal ? Comparison::greater_equal : Comparison::greater)
                                         : (or_equal ? Comparison::less_equal : Comparison::less);
  condition.state_slot = resolve_variable(at, variable, layout);
  Located threshold_at = at;
  threshold_at.node = YAML::Node(threshold);
  condition.threshold = read_number(threshold_at, -unbounded, unbounded);
  return condition;
}

Trigger read_trigger(const Located& at, const Layout& layout) {
  const Fields fields(at, {"when", "set", "note"});
  Trigger trigger;
  trigger.when = read_condition(fields.require("when"), layout);
  trigger.set = read_lever_settings(fields.require("set"), layout);
  if (auto note = fields.get("note")) trigger.note = read_text(*note);
  return trigger;
}

// ----- Controllers (engine/controllers.hpp, docs/controllers.md) --------------------------------

// A lever of the controller's actor by its short name ("direct_pressure").
int read_own_lever(const Entry& entry, const Layout& layout, const std::string& actor) {
  const int slot = layout.lever_index(actor, entry.name);
  if (slot >= 0) return slot;
  std::vector<std::string> names;
  for (const auto& lever : layout.levers())
    if (lever.actor == actor) names.push_back(lever.decl->name);
  fail(entry.key, unknown_name_message(fmt::format("lever of {}", actor), entry.name, names));
}

// The index of `slot` among the levers a controller holds, added when new.
std::size_t held_index(std::vector<int>& held, int slot) {
  const auto found = std::find(held.begin(), held.end(), slot);
  if (found != held.end()) return static_cast<std::size_t>(found - held.begin());
  held.push_back(slot);
  return held.size() - 1;
}

// `{lever: value, ...}` of a doctrine's rule or `otherwise`, as a setting per held lever (NaN
// for the levers it does not name; the held levers grow by those it names first).
std::vector<double> read_doctrine_settings(const Located& map, const Layout& layout, const std::string& actor,
                                           std::vector<int>& held) {
  std::vector<std::pair<std::size_t, double>> named;
  for (const Entry& entry : entries(map)) {
    const int slot = read_own_lever(entry, layout, actor);
    named.emplace_back(held_index(held, slot), read_lever_value(entry.value, layout, slot));
  }
  if (named.empty()) fail(map, "expected at least one lever");
  std::vector<double> settings(held.size(), std::numeric_limits<double>::quiet_NaN());
  for (const auto& [index, value] : named) settings[index] = value;
  return settings;
}

Observation read_observation(const Located& at) {
  Observation observation;
  if (at.node.IsScalar()) {
    const std::string text = read_text(at);
    if (text == "truth") {
      observation.truth = true;
      return observation;
    }
    fail(at, fmt::format("expected 'truth' or {{lag: MONTHS, noise: SD}}, got '{}'", text));
  }
  const Fields fields(at, {"lag", "noise"});
  if (auto lag = fields.get("lag")) observation.lag_months = static_cast<int>(read_whole_number(*lag, 0, 24));
  if (auto noise = fields.get("noise")) observation.noise = read_number(*noise, 0, 1);
  return observation;
}

// A doctrine's rules and `otherwise` for `spec`'s actor, the held levers those they name; with
// `menu` (a wargame team's), every setting must be on it.
std::shared_ptr<const Controller> read_doctrine(const Located& doctrine, const Layout& layout, ControllerSpec spec,
                                                const TeamMenu* menu) {
  const auto settings_of = [&](const Located& map) {
    std::vector<double> settings = read_doctrine_settings(map, layout, spec.actor, spec.levers);
    if (menu)
      for (const Entry& entry : entries(map)) {
        const int slot = layout.lever_index(spec.actor, entry.name);
        const auto item = std::find_if(menu->begin(), menu->end(), [&](const auto& on) { return on.first == slot; });
        if (item == menu->end()) fail(entry.key, fmt::format("'{}' is not on {}'s menu", entry.name, spec.actor));
        const auto held = std::find(spec.levers.begin(), spec.levers.end(), slot) - spec.levers.begin();
        const double value = settings[static_cast<std::size_t>(held)];  // as read_doctrine_settings read it
        if (std::find(item->second.begin(), item->second.end(), value) == item->second.end())
          fail(entry.value, fmt::format("{:g} is not among the menu's settings of {} ({})", value, entry.name,
                                        fmt::join(item->second, ", ")));
      }
    return settings;
  };
  const Fields parts(doctrine, {"rules", "otherwise"});
  std::vector<DoctrineRule> rules;
  const Located rules_at = parts.require("rules");
  if (!rules_at.node.IsSequence() || rules_at.node.size() == 0) fail(rules_at, "expected a list of rules");
  std::vector<Located> items;
  append_items(items, rules_at);
  for (const Located& item : items) {
    const Fields rule_fields(item, {"if", "until", "set"});
    DoctrineRule rule;
    rule.when = read_condition(rule_fields.require("if"), layout);
    if (auto until = rule_fields.get("until")) rule.until = read_condition(*until, layout);
    rule.settings = settings_of(rule_fields.require("set"));
    rules.push_back(std::move(rule));
  }
  std::vector<double> otherwise;
  if (auto given = parts.get("otherwise")) otherwise = settings_of(*given);
  // Every setting as long as the held levers: NaN for the levers named only by later rules.
  for (DoctrineRule& rule : rules) rule.settings.resize(spec.levers.size(), std::numeric_limits<double>::quiet_NaN());
  otherwise.resize(spec.levers.size(), std::numeric_limits<double>::quiet_NaN());
  return std::make_shared<DoctrineController>(layout, std::move(spec), std::move(rules), std::move(otherwise));
}

// A lookahead for `spec`'s actor: its own menu, costs and budget; or, with `menu` (a wargame
// team's, whose costs and budget the game applies), `levers:` naming which of the team's menu
// levers it chooses (all by default).
std::shared_ptr<const Controller> read_lookahead(const Located& lookahead, const Layout& layout, ControllerSpec spec,
                                                 const TeamMenu* menu, const std::vector<Uncertainty>* uncertainties,
                                                 const std::vector<Entry>* uncertainty_entries) {
  const Fields parts(lookahead,
                     menu ? std::vector<std::string>{"levers", "horizon", "temperature", "objective"}
                          : std::vector<std::string>{"menu", "costs", "budget", "horizon", "temperature", "objective"});
  LookaheadSpec look;
  if (menu) {
    std::vector<Located> named;
    if (auto levers = parts.get("levers")) append_items(named, *levers);
    for (const Located& name : named) {
      const Entry entry{read_text(name), name, name};
      const int slot = read_own_lever(entry, layout, spec.actor);
      const auto item = std::find_if(menu->begin(), menu->end(), [&](const auto& on) { return on.first == slot; });
      if (item == menu->end()) fail(name, fmt::format("'{}' is not on {}'s menu", entry.name, spec.actor));
      held_index(spec.levers, slot);
      look.menu.push_back(item->second);
    }
    if (named.empty())
      for (const auto& [slot, settings] : *menu) {
        spec.levers.push_back(slot);
        look.menu.push_back(settings);
      }
  } else {
    const Located menu_at = parts.require("menu");
    for (const Entry& entry : entries(menu_at)) {
      const int slot = read_own_lever(entry, layout, spec.actor);
      held_index(spec.levers, slot);
      std::vector<Located> settings;
      if (!entry.value.node.IsSequence() || entry.value.node.size() == 0)
        fail(entry.value, "expected a list of the lever's settings, e.g. [0, 0.5, 1]");
      append_items(settings, entry.value);
      std::vector<double> values;
      for (const Located& setting : settings) values.push_back(read_lever_value(setting, layout, slot));
      look.menu.push_back(std::move(values));
    }
    if (look.menu.empty()) fail(menu_at, "expected at least one lever");
  }
  if (auto costs = parts.get("costs")) {
    look.costs.resize(look.menu.size());
    for (const Entry& entry : entries(*costs)) {
      const int slot = read_own_lever(entry, layout, spec.actor);
      const auto found = std::find(spec.levers.begin(), spec.levers.end(), slot);
      if (found == spec.levers.end()) fail(entry.key, fmt::format("'{}' is not on the menu", entry.name));
      const auto index = static_cast<std::size_t>(found - spec.levers.begin());
      look.costs[index] = read_numbers(entry.value, look.menu[index].size());
      for (const double cost : look.costs[index])
        if (cost < 0) fail(entry.value, "a cost is never negative");
    }
  }
  if (auto budget = parts.get("budget")) look.budget = read_number(*budget, 0, unbounded);
  if (auto horizon = parts.get("horizon")) look.horizon = static_cast<int>(read_whole_number(*horizon, 1, 120));
  if (auto temperature = parts.get("temperature")) look.temperature = read_number(*temperature, 0, unbounded);
  std::vector<std::pair<std::string, double>> weights;
  std::optional<Located> objective_at = parts.get("objective");
  if (objective_at)
    for (const Entry& entry : entries(*objective_at))
      weights.emplace_back(entry.name, read_number(entry.value, -unbounded, unbounded));
  std::string error;
  std::optional<Objective> objective = resolve_objective(layout, spec.actor, weights, error);
  if (!objective) fail(objective_at ? *objective_at : lookahead, error);
  look.objective = std::move(*objective);
  // Weights and the temperature the scenario's uncertainties draw per member, for this actor.
  look.term_inputs.assign(look.objective.terms.size(), -1);
  for (std::size_t index = 0; uncertainties && index < uncertainties->size(); ++index) {
    const Uncertainty& uncertainty = (*uncertainties)[index];
    const std::string prefix = spec.actor + ".";
    if (uncertainty.target != Uncertainty::Target::controller || !uncertainty.name.starts_with(prefix)) continue;
    const std::string setting = uncertainty.name.substr(prefix.size());
    const auto input = static_cast<Eigen::Index>(index);
    if (setting == "temperature") {
      look.temperature_input = input;
      continue;
    }
    const std::string term = setting.substr(std::string("objective.").size());
    std::vector<std::string> terms;
    const std::string role = layout.role_of(spec.actor);
    for (const ObjectiveTermDecl& decl : layout.declaration().objectives)
      if (decl.role == role) terms.push_back(decl.name);
    if (std::find(terms.begin(), terms.end(), term) == terms.end())
      fail((*uncertainty_entries)[index].key,
           unknown_name_message(fmt::format("term of {}'s objective", spec.actor), term, terms, "terms"));
    if (term == "lever_cost") {
      look.lever_cost_input = input;
      continue;
    }
    for (std::size_t position = 0; position < look.objective.terms.size(); ++position)
      if (look.objective.terms[position].name == term) look.term_inputs[position] = input;
  }
  auto controller = std::make_shared<LookaheadController>(layout, std::move(spec), std::move(look));
  if (controller->candidates().empty()) fail(parts.require("budget"), "no setting of the menu is within the budget");
  return controller;
}

// One of a wargame team's `doctrine:` or `lookahead:`, or of a scenario controller's.
std::shared_ptr<const Controller> read_decision_rule(const Located& at, const Fields& fields, const Layout& layout,
                                                     ControllerSpec spec, const TeamMenu* menu,
                                                     const std::vector<Uncertainty>* uncertainties = nullptr,
                                                     const std::vector<Entry>* uncertainty_entries = nullptr) {
  const auto doctrine = fields.get("doctrine"), lookahead = fields.get("lookahead");
  if (doctrine.has_value() == lookahead.has_value())
    fail(at, doctrine ? "a controller is a doctrine or a lookahead, not both"
             : menu   ? "expected 'doctrine:' (if-then rules) or 'lookahead:' (a menu scored by the model)"
                      : "expected 'doctrine:' (if-then rules), 'lookahead:' (a menu scored by the model) or "
                        "'scripted:' (a team's moves from a wargame)");
  return doctrine ? read_doctrine(*doctrine, layout, std::move(spec), menu)
                  : read_lookahead(*lookahead, layout, std::move(spec), menu, uncertainties, uncertainty_entries);
}

// `scripted: {game: FOLDER}`: the actor's team's moves in a wargame's folder (relative to the
// scenario file), as held turn by turn, on the scenario's calendar.
std::shared_ptr<const LeverPolicy> read_scripted(const Located& at, const Layout& layout, const std::string& actor,
                                                 const YearMonth& start) {
  const Fields fields(at, {"game"});
  const Located game_at = fields.require("game");
  const fs::path folder = (fs::path(game_at.file).parent_path() / read_text(game_at)).lexically_normal();
  if (!fs::is_regular_file(folder / "game.json"))
    fail(game_at,
         fmt::format("no game in '{}': a folder made by `steppe wargame new` holds game.json", folder.string()));
  const wargame::GameFolder game = wargame::GameFolder::open(folder, /*for_change=*/false);
  const wargame::Definition& definition = game.definition();
  const wargame::Team* team = definition.find_team(actor);
  if (!team)
    fail(game_at, unknown_name_message(fmt::format("team of the game in '{}' for", folder.string()), actor,
                                       definition.team_ids()));
  if (definition.scenario->model_name != layout.declaration().name)
    fail(game_at, fmt::format("the game plays the {} model, this scenario the {}", definition.scenario->model_name,
                              layout.declaration().name));
  const int offset = months_between(start, definition.scenario->start);
  std::vector<std::pair<int, std::vector<ScriptedReply::Step>>> levers;
  for (const wargame::MenuItem& item : team->menu) {
    std::vector<ScriptedReply::Step> steps;
    for (int turn = 1; turn <= game.log().adjudicated_turns(); ++turn) {
      const double value = wargame::held_settings(game.log(), *team, turn).at(item.lever);
      if (steps.empty() || steps.back().value != value) steps.push_back({offset + definition.first_month(turn), value});
    }
    if (steps.empty()) fail(game_at, fmt::format("the game in '{}' has no adjudicated turn yet", folder.string()));
    levers.emplace_back(item.lever_slot, std::move(steps));
  }
  return std::make_shared<ScriptedReply>(std::move(levers));
}

std::shared_ptr<const LeverPolicy> read_controller(const Located& at, const Layout& layout,
                                                   const std::vector<Uncertainty>& uncertainties,
                                                   const std::vector<Entry>& uncertainty_entries,
                                                   const YearMonth& start) {
  const Fields fields(at, {"actor", "interval", "observe", "doctrine", "lookahead", "scripted"});
  ControllerSpec spec;
  const Located actor_at = fields.require("actor");
  spec.actor = read_text(actor_at);
  if (layout.role_of(spec.actor).empty()) {
    std::vector<std::string> actors;
    for (const Actor& actor : layout.actors()) actors.push_back(actor.name);
    fail(actor_at, unknown_name_message("actor", spec.actor, actors));
  }
  if (auto interval = fields.get("interval")) spec.interval = static_cast<int>(read_whole_number(*interval, 1, 6000));
  if (auto observe = fields.get("observe")) spec.observe = read_observation(*observe);
  if (auto scripted = fields.get("scripted")) {
    if (fields.get("doctrine") || fields.get("lookahead"))
      fail(at, "a scripted reply replays a game's moves: it takes no doctrine or lookahead");
    return read_scripted(*scripted, layout, spec.actor, start);
  }
  return read_decision_rule(at, fields, layout, std::move(spec), nullptr, &uncertainties, &uncertainty_entries);
}

// One item of `events`: a model event, a state jump or a lever window (docs/scenario-format.md,
// Events), told apart by which of `event`, `jump` and `set` it has.
// A model event's kind and actor by name, as indices into the declaration's event kinds and the
// layout's actors; `fail(is_actor, message)` reports an unknown kind, an unknown actor, or an
// actor of a role the event does not happen to, and does not return.
template <class Fail>
std::pair<int, int> resolve_model_event(const Layout& layout, const std::string& kind_name,
                                        const std::string& actor_name, Fail fail) {
  const auto& event_kinds = layout.declaration().event_kinds;
  const auto found = std::find_if(event_kinds.begin(), event_kinds.end(),
                                  [&](const EventKindDecl& decl) { return decl.name == kind_name; });
  if (found == event_kinds.end()) {
    std::vector<std::string> names;
    for (const auto& decl : event_kinds) names.push_back(decl.name);
    fail(false, unknown_name_message("event kind", kind_name, names, "event kinds"));
  }
  const auto& actors = layout.actors();
  const auto actor =
      std::find_if(actors.begin(), actors.end(), [&](const Actor& candidate) { return candidate.name == actor_name; });
  if (actor == actors.end()) {
    std::vector<std::string> names;
    for (const auto& candidate : actors) names.push_back(candidate.name);
    fail(true, unknown_name_message("actor", actor_name, names, "actors"));
  }
  if (actor->role != found->role)
    fail(true,
         fmt::format("'{}' happens to a {} actor; '{}' is a {}", kind_name, found->role, actor_name, actor->role));
  return {static_cast<int>(found - event_kinds.begin()), static_cast<int>(actor - actors.begin())};
}

void read_event(const Located& at, const Horizon& horizon, Scenario& scenario) {
  const Layout& layout = *scenario.layout;
  const Fields fields(at, {"at", "event", "actor", "jump", "from", "to", "set", "note"});
  const std::vector<std::pair<std::string, std::vector<std::string>>> kinds = {
      {"event", {"at", "actor"}}, {"jump", {"at"}}, {"set", {"from", "to"}}};

  const std::pair<std::string, std::vector<std::string>>* kind = nullptr;
  for (const Entry& entry : fields.all())
    for (const auto& candidate : kinds)
      if (entry.name == candidate.first) {
        if (kind) fail(entry.key, "an event has exactly one of 'event', 'jump' and 'set'");
        kind = &candidate;
      }
  if (!kind) fail(at, "an event needs one of 'event', 'jump' or 'set'");
  for (const Entry& entry : fields.all()) {
    const auto& allowed = kind->second;
    if (entry.name != kind->first && entry.name != "note" &&
        std::find(allowed.begin(), allowed.end(), entry.name) == allowed.end())
      fail(entry.key, fmt::format("'{}' does not belong in a '{}' event", entry.name, kind->first));
  }

  std::string note;
  if (auto note_at = fields.get("note")) note = read_text(*note_at);
  const auto add_note = [&](int month, const std::string& text) {
    scenario.timeline.push_back({month, note.empty() ? text : text + ": " + note});
  };

  if (kind->first == "event") {
    const Located kind_at = fields.require("event"), actor_at = fields.require("actor");
    const auto [kind_index, actor_index] =
        resolve_model_event(layout, read_text(kind_at), read_text(actor_at),
                            [&](bool actor, const std::string& message) { fail(actor ? actor_at : kind_at, message); });

    const int month = horizon.month_of(fields.require("at"));
    scenario.model_events.push_back({month, kind_index, actor_index, note});
    add_note(month, read_text(kind_at) + " " + read_text(actor_at));
  } else if (kind->first == "jump") {
    const int month = horizon.month_of(fields.require("at"));
    const Located jump_at = fields.require("jump");
    StateJump jump{month, {}, note};
    std::vector<std::string> parts;
    for (const Entry& entry : entries(jump_at)) {
      const int slot = resolve_variable(entry.key, entry.name, layout);
      const double delta = read_number(entry.value, -unbounded, unbounded);
      jump.deltas.emplace_back(slot, delta);
      parts.push_back(fmt::format("{} {:+}", entry.name, delta));
    }
    if (jump.deltas.empty()) fail(jump_at, "expected at least one variable");
    scenario.jumps.push_back(std::move(jump));
    add_note(month, fmt::format("jump {}", fmt::join(parts, ", ")));
  } else {
    const int from = horizon.month_of(fields.require("from"));
    const Located to_at = fields.require("to");
    const int to = horizon.month_of(to_at);
    if (to < from) fail(to_at, "the window ends before it starts");
    std::vector<std::string> parts;
    for (const auto& [slot, value] : read_lever_settings(fields.require("set"), layout)) {
      // On top of the lever's schedule, like a pulse.
      scenario.levers[slot].segments.push_back({from, to, value, value, false});
      parts.push_back(fmt::format("{} = {}", layout.lever_name(slot), value));
    }
    add_note(from, fmt::format("{} until {}", fmt::join(parts, ", "), horizon.start.plus(to).to_string()));
  }
}

EdgeSpec read_edge(const Located& at) {
  const Fields fields(at, {"from", "to", "base", "gate", "controlled_by"});
  EdgeSpec edge;
  edge.mark = source_mark(at);
  edge.from = read_text(fields.require("from"));
  edge.to = read_text(fields.require("to"));
  if (auto base = fields.get("base")) edge.base = read_number(*base, 0, 1);
  if (auto gate = fields.get("gate")) edge.gate = read_text(*gate);
  if (auto controls = fields.get("controlled_by"))
    for (const Entry& entry : entries(*controls))
      // The mark is the neighbor's name: the sensitivity is checked here, its name by build().
      edge.controls.push_back({entry.name, read_number(entry.value, 0, 1), source_mark(entry.key)});
  return edge;
}

// Routes are enumerated up to this many edges: a partner reaches the focal state directly or
// through a few transit nodes, and longer routes would only add negligible, slow alternatives.
constexpr int max_route_edges = 6;

std::shared_ptr<const Network> read_network(const Draft& draft, const Layout& layout, const std::string& file) {
  const ModelDeclaration& declaration = layout.declaration();
  if (!declaration.network) {
    if (draft.network_section)
      fail(*draft.network_section, fmt::format("model '{}' uses no network", declaration.name));
    return nullptr;
  }
  if (!draft.network_section)
    throw InputError({file}, "network",
                     fmt::format("missing required key 'network' (model '{}' uses one)", declaration.name));

  NetworkSpec spec;
  spec.mark = source_mark(*draft.network_section);
  for (const Located& node : draft.network_nodes) {
    spec.nodes.push_back(read_text(node));
    spec.node_marks.push_back(source_mark(node));
  }
  for (const Located& edge : draft.network_edges) spec.edges.push_back(read_edge(edge));
  for (const Entry& actor : draft.actors) spec.actor_marks[actor.name] = source_mark(actor.key);

  // The model's declaration says which of its roles play the network's parts.
  const NetworkRoles& roles = *declaration.network;
  const std::vector<std::string> focal = layout.actors_with_role(roles.focal);
  if (focal.size() != 1)
    throw std::logic_error(fmt::format("model '{}' uses a network but its role '{}' does not take exactly one actor",
                                       declaration.name, roles.focal));
  std::vector<std::string> gate_levers;
  for (const LeverDecl& lever : declaration.levers)
    if (lever.role == roles.partners && !lever.realized_as.empty()) gate_levers.push_back(lever.name);
  return std::make_shared<const Network>(Network::build(spec, focal.front(), layout.actors_with_role(roles.neighbors),
                                                        layout.actors_with_role(roles.partners), gate_levers,
                                                        max_route_edges));
}

// Expands every "{role}" of a default outcome into one outcome per actor of that role.
void expand_roles(const std::string& text, const Layout& layout, std::vector<std::string>& expanded) {
  const auto open = text.find('{');
  if (open == std::string::npos) {
    expanded.push_back(text);
    return;
  }
  const auto close = text.find('}', open);
  const std::string role = close == std::string::npos ? "" : text.substr(open + 1, close - open - 1);
  if (!layout.declaration().find_role(role))
    throw std::logic_error(
        fmt::format("model '{}': default outcome '{}' names no role", layout.declaration().name, text));
  for (const std::string& actor : layout.actors_with_role(role))
    expand_roles(text.substr(0, open) + actor + text.substr(close + 1), layout, expanded);
}

std::vector<OutcomeSpec> read_outcomes(const Draft& draft, const Layout& layout) {
  std::vector<OutcomeSpec> outcomes;
  std::string error;
  if (draft.outcomes) {
    std::vector<Located> written;
    append_items(written, *draft.outcomes);
    for (const Located& item : written) {
      auto outcome = parse_outcome(read_text(item), layout, error);
      if (!outcome) fail(item, error);
      outcomes.push_back(std::move(*outcome));
    }
    return outcomes;
  }
  std::vector<std::string> defaults;
  for (const std::string& text : layout.declaration().default_outcomes) expand_roles(text, layout, defaults);
  for (const std::string& text : defaults) {
    auto outcome = parse_outcome(text, layout, error);
    if (!outcome)
      throw std::logic_error(fmt::format("model '{}': default outcome: {}", layout.declaration().name, error));
    outcomes.push_back(std::move(*outcome));
  }
  return outcomes;
}

// ----- Changes from the command line (docs/scenario-format.md) ---------------------------------

// A part of a typed change: its text and where it starts in Override::typed.
struct Part {
  std::string_view text;
  std::size_t at = 0;
  Part sub(std::size_t from, std::size_t count = std::string_view::npos) const {
    return {text.substr(from, count), at + from};
  }
};

Part name_part(const Override& change) {
  return {std::string_view(change.typed).substr(change.name_offset, change.name.size()), change.name_offset};
}
Part value_part(const Override& change) {
  return {std::string_view(change.typed).substr(change.value_offset, change.value.size()), change.value_offset};
}

// An error in a typed change: the message, then the change as typed with the wrong part underlined.
[[noreturn]] void fail_typed(const Override& change, Part part, const std::string& message) {
  const std::string path = change.kind == Override::Kind::event ? "event" : change.name;
  // A mistaken paste of a whole file is named, shortened, in the message, not repeated.
  constexpr std::size_t longest_shown = 200;
  if (utf8_length(change.typed) > longest_shown) throw InputError({change.flag}, path, message);
  const std::size_t indent =
      utf8_length(change.flag) + 1 + utf8_length(std::string_view(change.typed).substr(0, part.at));
  const std::size_t width = std::max<std::size_t>(1, utf8_length(part.text));
  throw InputError({change.flag}, path,
                   fmt::format("{}\n  {} {}\n  {}{}", message, change.flag, change.typed, std::string(indent, ' '),
                               std::string(width, '^')));
}

// Reads a part with the loader's checks (range, choices), underlining it when they fail.
template <class Read>
double read_part(const Override& change, Part part, Read read) {
  try {
    return read(command_line(change.flag, change.name, std::string(part.text)));
  } catch (const InputError& error) {
    fail_typed(change, part, error.message());
  }
}

// "A..B" as A and B, or just A.
std::pair<Part, std::optional<Part>> split_range(Part part) {
  const auto dots = part.text.find("..");
  if (dots == std::string_view::npos) return {part, std::nullopt};
  return {part.sub(0, dots), part.sub(dots + 2)};
}

int month_of(const Override& change, Part date, const Scenario& scenario) {
  const auto parsed = YearMonth::parse(std::string(date.text));
  if (!parsed) fail_typed(change, date, fmt::format("expected a date YYYY-MM, got '{}'", date.text));
  const int month = months_between(scenario.start, *parsed);
  if (month < 0 || month >= scenario.months)
    fail_typed(change, date, outside_run(*parsed, scenario.start, scenario.months));
  return month;
}

// An unknown name, with the actors' names that end in it when it lacks its actor
// ("hawkishness": CHN.hawkishness or RUS.hawkishness?).
std::string unknown_setting_message(const std::string& what, const std::string& name,
                                    const std::vector<std::string>& names) {
  std::vector<std::string> of_actors;
  for (const std::string& candidate : names)
    if (candidate.ends_with("." + name)) of_actors.push_back(candidate);
  if (of_actors.empty()) return unknown_name_message(what, name, names);
  const std::string last = of_actors.back();
  of_actors.pop_back();
  return fmt::format("unknown {} '{}': it belongs to an actor, did you mean {}{}{}?", what, name,
                     fmt::join(of_actors, ", "), of_actors.empty() ? "" : " or ", last);
}

std::vector<std::string> settable_names(const Layout& layout) {
  std::vector<std::string> names = layout.parameter_names();
  for (const auto& more : {layout.state_names(), layout.lever_names()})
    names.insert(names.end(), more.begin(), more.end());
  return names;
}

// `--set NAME=VALUE[@DATES]`: a parameter, else an initial value (both one value for the whole
// run), else a lever: a constant replaces its schedule, windows and any uncertainty about it; a
// value from a date, a window or a ramp sits on top of its schedule, as a pulse does.
void apply_set(const Override& change, Scenario& scenario) {
  const Layout& layout = *scenario.layout;
  const Part whole = value_part(change);
  const auto at_sign = whole.text.find('@');
  const Part values = whole.sub(0, at_sign);
  const std::optional<Part> dates =
      at_sign == std::string_view::npos ? std::nullopt : std::optional(whole.sub(at_sign + 1));
  const auto [first_part, last_part] = split_range(values);
  const bool dated = dates || last_part;
  const Part schedule_part = whole.sub(first_part.text.size());  // "..END@FROM..TO", what only levers take

  const int lever = find_slot(layout, lever_slots, change.name);
  if (lever < 0) {
    const int parameter = find_slot(layout, parameter_slots, change.name);
    const int variable = parameter >= 0 ? -1 : find_slot(layout, initial_slots, change.name);
    if (parameter < 0 && variable < 0)
      fail_typed(change, name_part(change),
                 unknown_setting_message("parameter, variable or lever", change.name, settable_names(layout)));
    if (dated)
      fail_typed(change, schedule_part,
                 fmt::format("'{}' is {}: it holds one value for the whole run, without dates or a ramp", change.name,
                             parameter >= 0 ? "a parameter" : "an initial value"));
    std::erase_if(scenario.uncertainties,
                  [&](const Uncertainty& uncertainty) { return uncertainty.name == change.name; });
    if (parameter >= 0)
      scenario.parameters[parameter] =
          read_part(change, first_part, [&](const Located& at) { return read_parameter_value(at, layout, parameter); });
    else
      scenario.initial[variable] =
          read_part(change, first_part, [&](const Located& at) { return read_initial_value(at, layout, variable); });
    return;
  }

  const auto read = [&](Part part) {
    return read_part(change, part, [&](const Located& at) { return read_lever_value(at, layout, lever); });
  };
  const double first = read(first_part);
  auto& segments = scenario.levers[lever].segments;
  if (!dated) {
    std::erase_if(scenario.uncertainties,
                  [&](const Uncertainty& uncertainty) { return uncertainty.name == change.name; });
    segments = {{0, INT_MAX, first, first, false}};
    return;
  }
  if (std::any_of(scenario.uncertainties.begin(), scenario.uncertainties.end(),
                  [&](const Uncertainty& uncertainty) { return uncertainty.name == change.name; }))
    fail_typed(
        change, schedule_part,
        fmt::format("'{}' is uncertain in this scenario (each member draws it for the whole run), so dates cannot "
                    "apply to it; fix it first with --set {}=VALUE",
                    change.name, change.name));
  if (!dates) fail_typed(change, schedule_part, "a ramp needs its dates: START..END@FROM..TO");
  const auto [from_part, to_part] = split_range(*dates);
  const int from = month_of(change, from_part, scenario);
  if (!to_part) {
    if (last_part) fail_typed(change, *dates, "a ramp needs the months it spans: START..END@FROM..TO");
    segments.push_back({from, INT_MAX, first, first, false});
    scenario.timeline.push_back({from, fmt::format("{} = {} from then on", change.name, first)});
    return;
  }
  const int to = month_of(change, *to_part, scenario);
  if (last_part) {
    if (to <= from) fail_typed(change, *to_part, "a ramp must end after it starts");
    const double last = read(*last_part);
    segments.push_back({from, to, first, last, true});
    segments.push_back({to + 1, INT_MAX, last, last, false});
    scenario.timeline.push_back(
        {from, fmt::format("{} from {} to {} by {}", change.name, first, last, scenario.date(to).to_string())});
    return;
  }
  if (to < from) fail_typed(change, *to_part, "the window ends before it starts");
  segments.push_back({from, to, first, first, false});
  scenario.timeline.push_back(
      {from, fmt::format("{} = {} until {}", change.name, first, scenario.date(to).to_string())});
}

// `--jump NAME=DELTA@DATE`: as a `jump` event.
void apply_jump(const Override& change, Scenario& scenario) {
  const Layout& layout = *scenario.layout;
  const int slot = find_slot(layout, initial_slots, change.name);
  if (slot < 0)
    fail_typed(change, name_part(change), unknown_setting_message("variable", change.name, layout.state_names()));
  if (layout.state()[slot].decl->internal)
    fail_typed(change, name_part(change),
               fmt::format("'{}' is internal bookkeeping of the model; a scenario cannot use it", change.name));
  const Part whole = value_part(change);
  const auto at_sign = whole.text.find('@');
  if (at_sign == std::string_view::npos) fail_typed(change, whole, "a jump needs its date: NAME=DELTA@DATE");
  const double delta = read_part(change, whole.sub(0, at_sign),
                                 [](const Located& at) { return read_number(at, -unbounded, unbounded); });
  const int month = month_of(change, whole.sub(at_sign + 1), scenario);
  scenario.jumps.push_back({month, {{slot, delta}}, ""});
  scenario.timeline.push_back({month, fmt::format("jump {} {:+}", change.name, delta)});
}

// `--event 'KIND ACTOR DATE'`: as a model event.
void apply_event(const Override& change, Scenario& scenario) {
  const Part rest = value_part(change);
  const auto space = rest.text.find(' ');
  if (space == std::string_view::npos)
    fail_typed(change, rest, "expected KIND ACTOR DATE, e.g. 'leadership_turnover MNG 2029-06'");
  const Part actor = rest.sub(0, space);
  Part date = rest.sub(space + 1);
  date = date.sub(date.text.find_first_not_of(' '));
  if (date.text.find(' ') != std::string_view::npos)
    fail_typed(change, date, "expected KIND ACTOR DATE and nothing after the date");
  const auto [kind, actor_index] = resolve_model_event(
      *scenario.layout, change.name, std::string(actor.text), [&](bool is_actor, const std::string& message) {
        fail_typed(change, is_actor ? actor : name_part(change), message);
      });
  const int month = month_of(change, date, scenario);
  scenario.model_events.push_back({month, kind, actor_index, ""});
  scenario.timeline.push_back({month, fmt::format("{} {}", change.name, actor.text)});
}

void apply_override(Override change, Scenario& scenario) {
  if (change.typed.empty()) {  // made by a program (a sweep's policy), not typed: shown as if typed
    change.typed =
        change.kind == Override::Kind::event ? change.name + " " + change.value : change.name + "=" + change.value;
    change.name_offset = 0;
    change.value_offset = change.name.size() + 1;
  }
  switch (change.kind) {
    case Override::Kind::set:
      apply_set(change, scenario);
      break;
    case Override::Kind::jump:
      apply_jump(change, scenario);
      break;
    case Override::Kind::event:
      apply_event(change, scenario);
      break;
  }
  scenario.changes.push_back(change.text());
}

// Dated entries in month order, once the files and the command line have added theirs.
void sort_by_month(Scenario& scenario) {
  const auto by_month = [](const auto& a, const auto& b) { return a.month < b.month; };
  std::stable_sort(scenario.jumps.begin(), scenario.jumps.end(), by_month);
  std::stable_sort(scenario.model_events.begin(), scenario.model_events.end(), by_month);
  std::stable_sort(scenario.timeline.begin(), scenario.timeline.end(), by_month);
}

// `NAME: {uniform: [a, b]}` and the other forms of docs/scenario-format.md, Uncertainties. The
// name is a parameter, an initial value or a lever (constant for the run); the distribution must
// stay in its valid range.
// "ACTOR.objective.TERM" or "ACTOR.temperature" for an actor of the layout: what a lookahead
// controller of the actor may take from each member's inputs.
bool is_controller_setting(const Layout& layout, const std::string& name) {
  const auto dot = name.find('.');
  if (dot == std::string::npos) return false;
  const std::string actor = name.substr(0, dot), rest = name.substr(dot + 1);
  const auto& actors = layout.actors();
  return std::any_of(actors.begin(), actors.end(), [&](const Actor& a) { return a.name == actor; }) &&
         (rest == "temperature" || (rest.starts_with("objective.") && rest.size() > 10));
}

Uncertainty read_uncertainty(const Entry& entry, const Layout& layout) {
  Uncertainty uncertainty;
  uncertainty.name = entry.name;
  double lower = 0, upper = 0;
  if (const int parameter = find_slot(layout, parameter_slots, entry.name); parameter >= 0) {
    const ModelDeclaration& model = layout.declaration();
    const ParameterDecl& decl = *layout.parameters()[parameter].decl;
    if (!model.per_member_parameters)
      fail(entry.key, fmt::format("model '{}' cannot give members different parameter values (its step is "
                                  "compiled once for all members); give '{}' one value under parameters:",
                                  model.name, entry.name));
    if (!decl.choices.empty())
      fail(entry.key, fmt::format("'{}' chooses between {}: it takes one value for the whole run, not a "
                                  "distribution",
                                  entry.name, fmt::join(decl.choices, " and ")));
    uncertainty.target = Uncertainty::Target::parameter;
    uncertainty.slot = parameter;
    lower = decl.min;
    upper = decl.max;
  } else if (const int lever = find_slot(layout, lever_slots, entry.name); lever >= 0) {
    uncertainty.target = Uncertainty::Target::lever;
    uncertainty.slot = lever;
    lower = layout.levers()[lever].decl->min;
    upper = layout.levers()[lever].decl->max;
  } else if (is_controller_setting(layout, entry.name)) {
    // Which controller, and whether its objective has the term, is checked once controllers are
    // read (read_controller).
    uncertainty.target = Uncertainty::Target::controller;
    const bool temperature = entry.name.ends_with(".temperature");
    lower = temperature ? 0 : -unbounded;
    upper = unbounded;
  } else if (const int variable = find_slot(layout, initial_slots, entry.name); variable >= 0) {
    require_settable(entry.key, layout, variable);
    uncertainty.target = Uncertainty::Target::initial;
    uncertainty.slot = variable;
    lower = layout.state()[variable].decl->min;
    upper = layout.state()[variable].decl->max;
  } else {
    fail(entry.key, unknown_setting_message("parameter, variable or lever", entry.name, settable_names(layout)));
  }

  uncertainty.distribution = read_distribution(entry.value, lower, upper);
  return uncertainty;
}

// xxh64 of what determines the run: the files' bytes (bases first), then the command line.
std::string content_hash(const Draft& draft, const LoadOptions& options) {
  std::string content;
  for (const auto& source : draft.sources) content += source.second;
  for (const Override& change : options.overrides) content += change.text() + "\n";
  if (options.months) content += fmt::format("--months={}\n", *options.months);
  if (options.seed) content += fmt::format("--seed={}\n", *options.seed);
  if (options.stochastic) content += fmt::format("--stochastic={}\n", *options.stochastic);
  return fmt::format("{:016x}", XXH64(content.data(), content.size(), 0));
}

std::shared_ptr<const Scenario> resolve(const Draft& draft, const LoadOptions& options, const std::string& file) {
  auto scenario = std::make_shared<Scenario>();
  scenario->has_sweep = draft.sweep.has_value();

  const Located& model_at = required(draft.model, file, "model");
  scenario->model_name = read_text(model_at);
  scenario->model = ModelRegistry::instance().find(scenario->model_name);
  if (!scenario->model)
    fail(model_at, unknown_name_message("model", scenario->model_name, ModelRegistry::instance().names()));
  const ModelDeclaration& declaration = scenario->model->declaration();
  scenario->layout = std::make_shared<Layout>(declaration, read_actors(draft, declaration, file));
  const Layout& layout = *scenario->layout;

  // Dates are checked against the horizon the files give; --months then shortens or lengthens
  // the run without making them wrong (events after a shortened horizon never fire).
  scenario->start = read_date(required(draft.start, file, "start"));
  const int file_months = static_cast<int>(read_whole_number(required(draft.months, file, "months"), 1, 6000));
  scenario->months = options.months ? static_cast<int>(read_whole_number(
                                          command_line("--months", "months", std::to_string(*options.months)), 1, 6000))
                                    : file_months;
  if (options.seed)
    scenario->seed = *options.seed;
  else if (draft.seed)
    scenario->seed = read_whole_number(*draft.seed, 0, std::numeric_limits<std::uint64_t>::max());
  if (options.stochastic)
    scenario->stochastic = *options.stochastic;
  else if (draft.stochastic)
    scenario->stochastic = read_bool(*draft.stochastic);
  if (draft.title) scenario->title = read_text(*draft.title);
  if (draft.description) scenario->description = read_text(*draft.description);
  const Horizon horizon{scenario->start, file_months};

  for (const auto& slot : layout.parameters()) scenario->parameters.push_back(slot.value);
  for (const Entry& entry : draft.parameters) {
    const auto [slot, value] = read_assignment(entry, layout, parameter_slots, Place::section);
    scenario->parameters[slot] = value;
  }
  for (const auto& slot : layout.state()) scenario->initial.push_back(slot.initial);
  for (const Entry& entry : draft.initial) {
    const auto [slot, value] = read_assignment(entry, layout, initial_slots, Place::section);
    scenario->initial[slot] = value;
  }
  scenario->levers.resize(layout.levers().size());
  for (const LeverEntry& lever : draft.levers) {
    const int slot = resolve_slot(lever.key, lever.name, layout, lever_slots, Place::section);
    // Merging left the schedule in force first and pulses after it, so appending is stacking.
    for (const Located& schedule : lever.schedules)
      for (const ScheduleSegment& segment : read_schedule(schedule, layout, slot, horizon))
        scenario->levers[slot].segments.push_back(segment);
  }

  for (const Located& trigger : draft.triggers) scenario->triggers.push_back(read_trigger(trigger, layout));
  for (const Located& event : draft.events) read_event(event, horizon, *scenario);

  scenario->network = read_network(draft, layout, file);
  scenario->outcomes = read_outcomes(draft, layout);
  for (const Entry& entry : draft.uncertainties) scenario->uncertainties.push_back(read_uncertainty(entry, layout));
  // Controllers after the uncertainties: a lookahead may take weights and its temperature from them.
  for (const Located& controller : draft.controllers)
    scenario->lever_policies.push_back(
        read_controller(controller, layout, scenario->uncertainties, draft.uncertainties, scenario->start));
  for (std::size_t index = 0; index < scenario->uncertainties.size(); ++index) {
    const Uncertainty& uncertainty = scenario->uncertainties[index];
    const bool taken =
        std::any_of(scenario->lever_policies.begin(), scenario->lever_policies.end(), [&](const auto& policy) {
          const auto* lookahead = dynamic_cast<const LookaheadController*>(policy.get());
          return lookahead && lookahead->takes_input(static_cast<Eigen::Index>(index));
        });
    if (uncertainty.target == Uncertainty::Target::controller && !taken)
      fail(draft.uncertainties[index].key,
           fmt::format("'{}' is a lookahead controller's, and {} has none under controllers:", uncertainty.name,
                       uncertainty.name.substr(0, uncertainty.name.find('.'))));
  }
  for (const Override& change : options.overrides) apply_override(change, *scenario);
  sort_by_month(*scenario);
  // Constraints across values come last, once every file and override is in; with uncertain
  // values they must hold for every member, so they are checked with all draws at the low end
  // of their distributions and again at the high end (the constraints are sums and bounds).
  for (const auto& [name, message] : scenario->model->check(layout, scenario->parameters, scenario->initial))
    throw InputError({file}, name, message);
  for (const auto& [end, probability] : {std::pair{"lowest", 0x1p-54}, std::pair{"highest", 1 - 0x1p-53}}) {
    std::vector<double> parameters = scenario->parameters, initial = scenario->initial;
    for (const Uncertainty& uncertainty : scenario->uncertainties) {
      const double value = uncertainty.distribution.quantile(probability);
      if (uncertainty.target == Uncertainty::Target::parameter) parameters[uncertainty.slot] = value;
      if (uncertainty.target == Uncertainty::Target::initial) initial[uncertainty.slot] = value;
    }
    for (const auto& [name, message] : scenario->model->check(layout, parameters, initial))
      throw InputError({file}, name, fmt::format("{} when the uncertainties draw their {} values", message, end));
  }

  for (auto source = draft.sources.rbegin(); source != draft.sources.rend(); ++source)
    scenario->files.push_back(source->first);
  scenario->content_hash = content_hash(draft, options);
  return scenario;
}

}  // namespace

std::shared_ptr<const Scenario> load_scenario(const std::filesystem::path& file, const LoadOptions& options) {
  Draft draft;
  load_files(file, draft);
  return resolve(draft, options, file.string());
}

std::shared_ptr<const Scenario> with_overrides(const Scenario& base, const std::vector<Override>& overrides) {
  auto scenario = std::make_shared<Scenario>(base);
  std::string content = base.content_hash + "\n";
  for (const Override& change : overrides) {
    apply_override(change, *scenario);
    content += change.text() + "\n";
  }
  sort_by_month(*scenario);
  scenario->content_hash = fmt::format("{:016x}", XXH64(content.data(), content.size(), 0));
  return scenario;
}

SweepFile load_sweep_file(const std::filesystem::path& file, const LoadOptions& options) {
  Draft draft;
  load_files(file, draft);
  auto scenario = resolve(draft, options, file.string());
  if (!draft.sweep)
    throw InputError({file.string()}, "sweep", "missing required key 'sweep' (the design, replicates and database)");
  if (scenario->uncertainties.empty())
    throw InputError({file.string()}, "uncertainties", "a sweep needs at least one factor under 'uncertainties'");
  return {std::move(scenario), *draft.sweep};
}

std::shared_ptr<const Controller> read_team_controller(const Located& at, const Layout& layout,
                                                       const std::string& actor, const TeamMenu& menu) {
  const Fields fields(at, {"doctrine", "lookahead"});
  ControllerSpec spec;
  spec.actor = actor;
  spec.interval = 1;
  spec.observe.truth = true;  // the game's briefing is its fog
  return read_decision_rule(at, fields, layout, std::move(spec), &menu);
}

std::string Override::text() const {
  switch (kind) {
    case Kind::set:
      return name + "=" + value;
    case Kind::jump:
      return "jump " + name + "=" + value;
    case Kind::event:
      return "event " + name + " " + value;
  }
  return name;
}

namespace {

// The change of `kind` typed in typed[begin, end): "NAME=VALUE" (set, jump) or "KIND ACTOR DATE"
// (event), the name and value split with their offsets.
Override parse_change(Override::Kind kind, const std::string& flag, const std::string& typed, std::size_t begin,
                      std::size_t end) {
  Override change{.kind = kind, .flag = flag, .typed = typed};
  const std::string_view text = std::string_view(typed).substr(begin, end - begin);
  const auto fail_form = [&](const std::string& message) {
    change.value_offset = begin;
    change.value = std::string(text);
    fail_typed(change, value_part(change), message);
  };
  const auto split = kind == Override::Kind::event ? text.find(' ') : text.find('=');
  if (split == std::string_view::npos || split == 0 || split + 1 >= text.size()) {
    if (kind == Override::Kind::set)
      fail_form("expected NAME=VALUE, e.g. USA.air_link=1 or CHN.direct_pressure=0.15@2030-01..2030-06");
    if (kind == Override::Kind::jump) fail_form("expected NAME=DELTA@DATE, e.g. CHN.threat_perception=+1@2025-11");
    fail_form("expected KIND ACTOR DATE, e.g. 'leadership_turnover MNG 2029-06'");
  }
  change.name = std::string(text.substr(0, split));
  change.name_offset = begin;
  std::size_t value = split + 1;
  while (kind == Override::Kind::event && value < text.size() && text[value] == ' ') ++value;
  change.value = std::string(text.substr(value));
  change.value_offset = begin + value;
  return change;
}

Override parse_whole(Override::Kind kind, const std::string& flag, const std::string& text) {
  const auto begin = std::min(text.size(), text.find_first_not_of(' '));
  const auto end = text.find_last_not_of(' ') + 1;
  return parse_change(kind, flag, text, begin, std::max(begin, end));
}

}  // namespace

Override parse_override(const std::string& text) { return parse_whole(Override::Kind::set, "--set", text); }
Override parse_jump(const std::string& text) { return parse_whole(Override::Kind::jump, "--jump", text); }
Override parse_event(const std::string& text) { return parse_whole(Override::Kind::event, "--event", text); }

std::vector<Override> parse_variant(const std::string& text) {
  std::vector<Override> changes;
  std::size_t begin = 0;
  while (begin <= text.size()) {
    const std::size_t comma = std::min(text.find(',', begin), text.size());
    std::size_t first = begin, last = comma;
    while (first < last && text[first] == ' ') ++first;
    while (last > first && text[last - 1] == ' ') --last;
    const std::string_view item = std::string_view(text).substr(first, last - first);
    Override::Kind kind = Override::Kind::set;
    for (const auto& [word, named] :
         {std::pair{"event ", Override::Kind::event}, std::pair{"jump ", Override::Kind::jump}})
      if (item.starts_with(word)) {
        kind = named;
        first += std::string_view(word).size();
        while (first < last && text[first] == ' ') ++first;
      }
    changes.push_back(parse_change(kind, "--with", text, first, last));
    begin = comma + 1;
  }
  return changes;
}

}  // namespace steppe
