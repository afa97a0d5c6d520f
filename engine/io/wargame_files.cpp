#include "engine/io/wargame_files.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <system_error>

#include "engine/io/output_files.hpp"
#include "engine/io/scenario_loader.hpp"
#include "engine/io/yaml_input.hpp"

namespace steppe::wargame {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* game_file = "game.json";
constexpr const char* backup_file = "game.json.bak";
constexpr const char* definition_copy = "game.yaml";
constexpr const char* scenarios_copy = "scenarios";
constexpr const char* format_name = "steppe-wargame 2";
constexpr std::uintmax_t max_game_file_bytes = std::uintmax_t{256} << 20;

const std::vector<std::string> definition_keys = {"title",   "scenario",       "turns",  "turn_months",
                                                  "members", "stochastic",     "public", "intelligence",
                                                  "teams",   "counterfactual", "injects"};

std::string hash_of(const std::string& bytes) { return fmt::format("{:016x}", XXH64(bytes.data(), bytes.size(), 0)); }

std::vector<std::string> lever_names_of(const Layout& layout, const std::string& actor) {
  std::vector<std::string> names;
  for (const Layout::LeverSlot& slot : layout.levers())
    if (slot.actor == actor) names.push_back(slot.decl->name);
  return names;
}

std::vector<std::string> variable_names(const ModelDeclaration& declaration) {
  std::vector<std::string> names;
  for (const VariableDecl& variable : declaration.variables)
    if (!variable.internal) names.push_back(variable.name);
  return names;
}

int actor_index(const Layout& layout, const std::string& name) {
  for (std::size_t index = 0; index < layout.actors().size(); ++index)
    if (layout.actors()[index].name == name) return static_cast<int>(index);
  return -1;
}

std::vector<std::string> actor_names(const Layout& layout) {
  std::vector<std::string> names;
  for (const Actor& actor : layout.actors()) names.push_back(actor.name);
  return names;
}

// "CHN.direct_pressure" → its lever slot, or the error at `at`.
int lever_slot(const Layout& layout, const std::string& name, const Located& at) {
  const auto dot = name.find('.');
  const int slot = dot == std::string::npos ? -1 : layout.lever_index(name.substr(0, dot), name.substr(dot + 1));
  if (slot < 0) fail(at, unknown_name_message("lever", name, layout.lever_names()));
  return slot;
}

int state_slot(const Layout& layout, const std::string& name, const Located& at) {
  const auto dot = name.find('.');
  const int slot = dot == std::string::npos ? -1 : layout.state_index(name.substr(0, dot), name.substr(dot + 1));
  if (slot < 0) fail(at, unknown_name_message("state variable", name, layout.state_names()));
  return slot;
}

ModelEventFiring model_event(const Scenario& scenario, const std::string& kind, const std::string& actor,
                             const Located& kind_at, const Located& actor_at) {
  const ModelDeclaration& declaration = scenario.layout->declaration();
  std::vector<std::string> kinds;
  for (const EventKindDecl& event : declaration.event_kinds) kinds.push_back(event.name);
  const auto found = std::find(kinds.begin(), kinds.end(), kind);
  if (found == kinds.end()) fail(kind_at, unknown_name_message("event", kind, kinds));
  const EventKindDecl& event = declaration.event_kinds[static_cast<std::size_t>(found - kinds.begin())];
  const std::vector<std::string> eligible = scenario.layout->actors_with_role(event.role);
  if (std::find(eligible.begin(), eligible.end(), actor) == eligible.end())
    fail(actor_at,
         fmt::format("{} happens to a {} ({}), not to '{}'", kind, event.role, fmt::join(eligible, ", "), actor));
  return {static_cast<int>(found - kinds.begin()), actor_index(*scenario.layout, actor)};
}

Inject read_inject(const Entry& card, const Scenario& scenario) {
  const Layout& layout = *scenario.layout;
  const Fields fields(card.value, {"title", "text", "levers", "months", "jumps", "events"});
  Inject inject;
  inject.name = card.name;
  inject.title = fields.get("title") ? read_text(*fields.get("title")) : card.name;
  if (const auto text = fields.get("text")) {
    inject.text = read_text(*text);
    inject.text.erase(inject.text.find_last_not_of(" \n") + 1);  // a folded scalar ends in a newline
  }
  if (const auto levers = fields.get("levers"))
    for (const Entry& entry : entries(*levers)) {
      const int slot = lever_slot(layout, entry.name, entry.key);
      const LeverDecl& lever = *layout.levers()[static_cast<std::size_t>(slot)].decl;
      inject.levers.emplace_back(slot, read_number(entry.value, lever.min, lever.max));
    }
  if (const auto months = fields.get("months")) {
    if (inject.levers.empty()) fail(*months, "months is how long the inject holds its levers, and it has none");
    inject.months = static_cast<int>(read_whole_number(*months, 1, 6000));
  } else if (!inject.levers.empty()) {
    fail(card.value, "an inject that holds levers says for how many months ('months')");
  }
  if (const auto jumps = fields.get("jumps"))
    for (const Entry& entry : entries(*jumps))
      inject.jumps.emplace_back(state_slot(layout, entry.name, entry.key), read_number(entry.value, -1, 1));
  if (const auto events = fields.get("events")) {
    if (!events->node.IsSequence())
      fail(*events, fmt::format("expected a list of events, got {}", describe(events->node)));
    for (std::size_t index = 0; index < events->node.size(); ++index) {
      const Located item = locate(events->node[index], *events, fmt::format("{}[{}]", events->path, index));
      const Fields event(item, {"event", "actor"});
      inject.events.push_back(model_event(scenario, read_text(event.require("event")),
                                          read_text(event.require("actor")), event.require("event"),
                                          event.require("actor")));
    }
  }
  if (inject.levers.empty() && inject.jumps.empty() && inject.events.empty())
    fail(card.value, "an inject needs levers, jumps or events");
  return inject;
}

MenuItem read_menu_item(const Entry& entry, const Team& team, const Scenario& scenario) {
  const Layout& layout = *scenario.layout;
  MenuItem item;
  item.lever = entry.name;
  item.lever_slot = layout.lever_index(team.id, entry.name);
  if (item.lever_slot < 0)
    fail(entry.key,
         unknown_name_message(fmt::format("lever of {}:", team.id), entry.name, lever_names_of(layout, team.id)));
  const Layout::LeverSlot& lever = layout.levers()[static_cast<std::size_t>(item.lever_slot)];
  item.starting_value = scenario.levers[static_cast<std::size_t>(item.lever_slot)].value_at(0, lever.status_quo);

  const Fields fields(entry.value, {"settings", "visibility"});
  const Located settings = fields.require("settings");
  for (const Entry& setting : entries(settings)) {
    const auto value = parse_number(setting.name);
    if (!value || !std::isfinite(*value))
      fail(setting.key, fmt::format("expected a setting (a number), got '{}'", setting.name));
    if (*value < lever.decl->min || *value > lever.decl->max)
      fail(setting.key,
           fmt::format("setting {} is outside the lever's range [{}, {}]", *value, lever.decl->min, lever.decl->max));
    if (item.costs.contains(*value))
      fail(setting.key, fmt::format("setting {:g} is on the menu twice (written another way above)", *value));
    item.costs[*value] = read_number(setting.value, 0, unbounded);
  }
  if (!item.costs.contains(item.starting_value))
    fail(settings, fmt::format("the settings of {} must include its starting value {:g} (the scenario's)", entry.name,
                               item.starting_value));
  // By default a lever is seen by others when the model says it is conspicuous (visibility
  // 0.2 and above, where docs/model.md §2.3 lets concessions lower its profile).
  const auto trait = lever.decl->traits.find("visibility");
  item.visible = trait == lever.decl->traits.end() || trait->second >= 0.2;
  if (const auto visibility = fields.get("visibility")) {
    const std::string text = read_text(*visibility);
    if (text != "public" && text != "secret")
      fail(*visibility, unknown_name_message("visibility", text, {"public", "secret"}));
    item.visible = text == "public";
  }
  return item;
}

Team read_team(const Entry& entry, const Scenario& scenario) {
  const Layout& layout = *scenario.layout;
  Team team;
  team.id = entry.name;
  team.actor = actor_index(layout, entry.name);
  if (team.actor < 0) fail(entry.key, unknown_name_message("actor", entry.name, actor_names(layout)));
  const Fields fields(entry.value, {"name", "budget", "menu", "objectives", "played_by", "controller"});
  team.name = fields.get("name") ? read_text(*fields.get("name")) : team.id;
  if (const auto objectives = fields.get("objectives"))
    for (const Entry& objective : entries(*objectives)) {
      const Fields wanted(objective.value, {"better", "weight"});
      const std::string better = read_text(wanted.require("better"));
      if (better != "higher" && better != "lower")
        fail(wanted.require("better"), unknown_name_message("direction", better, {"higher", "lower"}));
      team.objectives.push_back({.slot = state_slot(layout, objective.name, objective.key),
                                 .variable = objective.name,
                                 .higher_is_better = better == "higher",
                                 .weight = wanted.get("weight") ? read_number(*wanted.get("weight"), 0, 100) : 1});
    }
  const Fields budget(fields.require("budget"), {"per_turn", "carry_over", "max_bank"});
  team.budget.per_turn = read_number(budget.require("per_turn"), 0, unbounded);
  if (const auto carry = budget.get("carry_over")) team.budget.carry_over = read_number(*carry, 0, 1);
  if (const auto bank = budget.get("max_bank")) team.budget.max_bank = read_number(*bank, 0, unbounded);
  const Located menu = fields.require("menu");
  for (const Entry& item : entries(menu)) team.menu.push_back(read_menu_item(item, team, scenario));
  if (team.menu.empty()) fail(menu, "a team needs at least one lever on its menu");
  const std::string played_by = fields.get("played_by") ? read_text(*fields.get("played_by")) : "people";
  if (played_by != "people" && played_by != "computer")
    fail(*fields.get("played_by"), unknown_name_message("player", played_by, {"people", "computer"}));
  const auto controller = fields.get("controller");
  if (played_by == "computer") {
    if (!controller)
      fail(*fields.get("played_by"), "a team the computer plays needs a 'controller:' (a doctrine or a lookahead)");
    TeamMenu settings;
    for (const MenuItem& item : team.menu) {
      std::vector<double> values;
      for (const auto& [value, cost] : item.costs) values.push_back(value);
      settings.emplace_back(item.lever_slot, std::move(values));
    }
    team.computer = read_team_controller(*controller, layout, team.id, settings);
  } else if (controller) {
    fail(*controller, "only a team the computer plays has a controller: add 'played_by: computer'");
  }
  const double starting = upkeep(team, {});
  if (starting > team.budget.per_turn)
    fail(fields.require("budget"), fmt::format("{}'s starting settings cost {:g} per turn, above its budget of {:g}",
                                               team.id, starting, team.budget.per_turn));
  return team;
}

std::shared_ptr<const Scenario> scenario_for_game(const fs::path& definition_file, const Located& at, int months,
                                                  bool stochastic) {
  const fs::path file = (definition_file.parent_path() / read_text(at)).lexically_normal();
  if (!fs::is_regular_file(file)) fail(at, fmt::format("cannot read scenario file '{}'", file.string()));
  LoadOptions options;
  options.months = months;
  options.stochastic = stochastic;
  return load_scenario(file, options);
}

// Every state slot's name, bookkeeping included: the columns of the saved bands.
std::vector<std::string> slot_names(const Layout& layout) {
  std::vector<std::string> names;
  for (std::size_t slot = 0; slot < layout.state().size(); ++slot)
    names.push_back(layout.state_name(static_cast<int>(slot)));
  return names;
}

std::string now_utc() {
  const auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

// --- game.json ----------------------------------------------------------------------------

json to_json(const Bands& bands) {
  json months = json::array();
  for (const auto& month : bands.months) {
    json slots = json::array();
    for (const Band& band : month) slots.push_back({band.p05, band.p50, band.p95, band.mean});
    months.push_back(std::move(slots));
  }
  return {{"first_month", bands.first_month}, {"months", std::move(months)}};
}

Bands bands_from_json(const json& document) {
  Bands bands;
  bands.first_month = document.at("first_month").get<int>();
  for (const json& month : document.at("months")) {
    std::vector<Band> slots;
    for (const json& band : month) slots.push_back({band.at(0), band.at(1), band.at(2), band.at(3)});
    bands.months.push_back(std::move(slots));
  }
  return bands;
}

json to_json(const Inject& inject, const Scenario& scenario) {
  const Layout& layout = *scenario.layout;
  json levers = json::object(), jumps = json::object(), events = json::array();
  for (const auto& [slot, value] : inject.levers) levers[layout.lever_name(slot)] = value;
  for (const auto& [slot, delta] : inject.jumps) jumps[layout.state_name(slot)] = delta;
  for (const ModelEventFiring& event : inject.events)
    events.push_back({{"event", layout.declaration().event_kinds.at(static_cast<std::size_t>(event.kind)).name},
                      {"actor", layout.actors().at(static_cast<std::size_t>(event.actor)).name}});
  return {{"name", inject.name},     {"title", inject.title}, {"text", inject.text}, {"levers", levers},
          {"months", inject.months}, {"jumps", jumps},        {"events", events}};
}

Inject inject_from_json(const json& document, const Scenario& scenario) {
  const Layout& layout = *scenario.layout;
  Inject inject;
  inject.name = document.at("name");
  inject.title = document.at("title");
  inject.text = document.at("text");
  inject.months = document.at("months");
  const auto known = [](int slot, const std::string& name) {
    if (slot < 0) throw std::runtime_error("names '" + name + "', which the scenario does not have");
    return slot;
  };
  for (const auto& [name, value] : document.at("levers").items()) {
    const auto dot = name.find('.');
    inject.levers.emplace_back(known(layout.lever_index(name.substr(0, dot), name.substr(dot + 1)), name), value);
  }
  for (const auto& [name, value] : document.at("jumps").items()) {
    const auto dot = name.find('.');
    inject.jumps.emplace_back(known(layout.state_index(name.substr(0, dot), name.substr(dot + 1)), name), value);
  }
  const auto& kinds = layout.declaration().event_kinds;
  for (const json& event : document.at("events")) {
    const auto kind =
        std::find_if(kinds.begin(), kinds.end(), [&](const EventKindDecl& k) { return k.name == event.at("event"); });
    if (kind == kinds.end()) throw std::runtime_error("names an event the model does not have");
    inject.events.push_back(
        {static_cast<int>(kind - kinds.begin()), known(actor_index(layout, event.at("actor")), event.at("actor"))});
  }
  return inject;
}

json to_json(const Turn& turn, const Scenario& scenario) {
  json overrides = json::array(), injects = json::array();
  for (const Override& entry : turn.overrides)
    overrides.push_back({{"team", entry.team}, {"lever", entry.lever}, {"value", entry.value}, {"note", entry.note}});
  for (const Inject& inject : turn.injects) injects.push_back(to_json(inject, scenario));
  json document = {{"number", turn.number},           {"moves", turn.moves},
                   {"overrides", overrides},          {"injects", injects},
                   {"adjudicated", turn.adjudicated}, {"forced", turn.forced}};
  if (turn.adjudicated) document["results"] = to_json(turn.results);
  return document;
}

Turn turn_from_json(const json& document, const Scenario& scenario) {
  Turn turn;
  turn.number = document.at("number");
  turn.moves = document.at("moves").get<std::map<std::string, std::map<std::string, double>>>();
  for (const json& entry : document.at("overrides"))
    turn.overrides.push_back({entry.at("team"), entry.at("lever"), entry.at("value"), entry.at("note")});
  for (const json& inject : document.at("injects")) turn.injects.push_back(inject_from_json(inject, scenario));
  turn.adjudicated = document.at("adjudicated");
  turn.forced = document.at("forced");
  if (turn.adjudicated) turn.results = bands_from_json(document.at("results"));
  return turn;
}

// --- the hash chain over game.json ----------------------------------------------------------
// The chain starts from the game's header (format, definition, its pin, slots, the starting
// state); each turn's record is hashed with the hash before it, and the history with the last.
// It finds a record changed outside steppe, not a forger who recomputes it (xxh64 is no
// signature: a folder holds no secret to sign with).

std::string start_hash(const json& document) {
  const std::string header = json::array({document.at("format"), document.at("definition"),
                                          document.at("definition_hash"), document.at("slots"), document.at("initial")})
                                 .dump();
  return hash_of(header);
}

std::string link_hash(const std::string& previous, json record) {
  record.erase("hash");
  return hash_of(previous + "\n" + record.dump());
}

// Adds the chain's hashes to a game document.
void seal(json& document) {
  std::string previous = start_hash(document);
  document["start_hash"] = previous;
  for (json& turn : document.at("turns")) turn["hash"] = previous = link_hash(previous, turn);
  document["history_hash"] = hash_of(previous + "\n" + document.at("history").dump());
}

// The first part of a game document whose hash does not match ("turn 2's record"), or "".
std::string first_broken_link(const json& document) {
  try {
    std::string previous = start_hash(document);
    if (document.at("start_hash") != previous) return "the game's start (its definition, pin or starting state)";
    std::size_t index = 0;
    for (const json& turn : document.at("turns")) {
      ++index;
      const std::string expected = link_hash(previous, turn);
      if (!turn.is_object() || !turn.contains("hash") || turn.at("hash") != expected) {
        const json number = turn.is_object() && turn.contains("number") ? turn.at("number") : json(nullptr);
        return fmt::format("turn {}'s record",
                           number.is_number_integer() ? number.get<int>() : static_cast<int>(index));
      }
      previous = expected;
    }
    if (document.at("history_hash") != hash_of(previous + "\n" + document.at("history").dump()))
      return "the game's history";
  } catch (const json::exception&) {
    return "the game file's structure";
  }
  return "";
}

// A JSON library message without its "[json.exception.type_error.302] " tag.
std::string plain_message(const json::exception& error) {
  std::string text = error.what();
  if (text.starts_with("[json.exception."))
    text.erase(0, text.find("] ") == std::string::npos ? 0 : text.find("] ") + 2);
  return text;
}

// How to go back to the save before, when there is one.
std::string restore_hint(const fs::path& folder) {
  if (!fs::is_regular_file(folder / backup_file)) return "";
  return fmt::format("; the save before the last change is in {0}: `cp {0} {1}` restores it",
                     (folder / backup_file).string(), (folder / game_file).string());
}

// --- the rules copied into the game folder ----------------------------------------------------

struct RulesCopy {
  std::string definition;                                      // game.yaml's text, its scenario paths rewritten
  std::vector<std::pair<std::string, std::string>> scenarios;  // scenarios/NAME → text
};

// Replaces the scalar at `at` (a path, plain or quoted as written) in `text` by `value`; edits
// are applied from the end of the text, so that earlier positions stay valid.
struct TextEdit {
  std::size_t offset, length;
  std::string value;
};

TextEdit path_edit(const std::string& text, const Located& at, const std::string& value) {
  const std::string written = read_text(at);
  const YAML::Mark mark = at.node.Mark();
  std::size_t offset = 0;
  for (int line = 0; line < mark.line && offset != std::string::npos; ++line) {
    offset = text.find('\n', offset);
    if (offset != std::string::npos) ++offset;
  }
  if (offset != std::string::npos) offset += static_cast<std::size_t>(mark.column);
  const bool safe = !value.empty() && value.find_first_not_of(
                                          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                          "0123456789._/-") == std::string::npos;
  const std::string replacement = safe ? value : json(value).dump();
  if (offset < text.size() && text.compare(offset, written.size(), written) == 0)
    return {offset, written.size(), replacement};
  if (offset < text.size() && (text[offset] == '"' || text[offset] == '\'') &&
      text.compare(offset + 1, written.size(), written) == 0 && offset + 1 + written.size() < text.size() &&
      text[offset + 1 + written.size()] == text[offset])
    return {offset, written.size() + 2, replacement};
  fail(at, "cannot copy this path into the game folder: write it plainly, without escapes");
}

std::string edited(std::string text, std::vector<TextEdit> edits) {
  std::sort(edits.begin(), edits.end(), [](const TextEdit& a, const TextEdit& b) { return a.offset > b.offset; });
  for (const TextEdit& edit : edits) text.replace(edit.offset, edit.length, edit.value);
  return text;
}

// The definition and every scenario file it reads (each scenario and the files it extends, the
// counterfactual's too), as copies for the game folder: the definition as game.yaml, the
// scenarios side by side in scenarios/, each path between them rewritten to name the copy.
RulesCopy copy_rules(const fs::path& folder, const fs::path& definition_file) {
  const fs::path definition = fs::absolute(definition_file).lexically_normal();
  std::map<std::string, std::string> names;  // a scenario file (absolute) → its copy's name
  struct Source {
    fs::path file;
    std::string name;
    Located root;
  };
  std::vector<Source> sources;
  const auto name_chain = [&](const fs::path& start) {
    for (fs::path file = start;;) {
      if (names.contains(file.string())) return;
      std::string name = file.filename().string();
      for (int suffix = 2; std::any_of(sources.begin(), sources.end(), [&](const Source& s) { return s.name == name; });
           ++suffix)
        name = fmt::format("{}-{}{}", file.stem().string(), suffix, file.extension().string());
      names[file.string()] = name;
      sources.push_back({file, name, load_yaml_file(file.string(), "scenario file")});
      const Located& root = sources.back().root;
      if (!root.node.IsMap() || !root.node["extends"]) return;
      file = (file.parent_path() / read_text(locate(root.node["extends"], root, "extends"))).lexically_normal();
    }
  };
  const Located root = load_yaml_file(definition.string(), "game definition");
  std::vector<std::pair<Located, fs::path>> references;  // in the definition: where, and the file named
  const Located scenario = locate(root.node["scenario"], root, "scenario");
  references.push_back({scenario, (definition.parent_path() / read_text(scenario)).lexically_normal()});
  if (root.node["counterfactual"] && root.node["counterfactual"].IsMap() && root.node["counterfactual"]["scenario"]) {
    const Located other = locate(root.node["counterfactual"]["scenario"], root, "counterfactual.scenario");
    references.push_back({other, (definition.parent_path() / read_text(other)).lexically_normal()});
  }
  for (const auto& [at, file] : references) name_chain(file);
  RulesCopy copy;
  std::vector<TextEdit> edits;
  for (const auto& [at, file] : references)
    edits.push_back(path_edit(*root.text, at, std::string(scenarios_copy) + "/" + names.at(file.string())));
  copy.definition = edited(*root.text, edits);
  for (const Source& source : sources) {
    std::string text = *source.root.text;
    if (source.root.node.IsMap() && source.root.node["extends"]) {
      const Located extends = locate(source.root.node["extends"], source.root, "extends");
      const fs::path base = (source.file.parent_path() / read_text(extends)).lexically_normal();
      text = edited(text, {path_edit(text, extends, names.at(base.string()))});
    }
    copy.scenarios.push_back({source.name, text});
  }
  // A copy never replaces another file: only the same bytes, or the definition it is made from.
  const auto check = [&](const fs::path& target, const std::string& text, bool may_be_definition) {
    if (!fs::exists(target)) return;
    std::error_code error;
    if (may_be_definition && fs::equivalent(target, definition, error)) return;
    if (fs::is_regular_file(target) && read_input_file(target, "file", nullptr, max_game_file_bytes) == text) return;
    throw InputError({target.string()}, "--dir",
                     "the game folder already holds a different file of this name, where the game keeps a copy of "
                     "its rules; choose another --dir");
  };
  check(folder / definition_copy, copy.definition, true);
  for (const auto& [name, text] : copy.scenarios) check(folder / scenarios_copy / name, text, false);
  return copy;
}

}  // namespace

Definition load_definition(const fs::path& file) {
  const Located root = load_yaml_file(file.string(), "game definition");
  const Fields fields(root, definition_keys);
  Definition definition;
  if (const auto title = fields.get("title")) definition.title = read_text(*title);
  if (const auto turns = fields.get("turns")) definition.turns = static_cast<int>(read_whole_number(*turns, 1, 100));
  if (const auto months = fields.get("turn_months"))
    definition.turn_months = static_cast<int>(read_whole_number(*months, 1, 60));
  if (const auto members = fields.get("members"))
    definition.members = static_cast<std::int64_t>(read_whole_number(*members, 1, 100000));
  const bool stochastic = fields.get("stochastic") ? read_bool(*fields.get("stochastic")) : true;
  const int horizon = definition.turns * definition.turn_months;
  definition.scenario = scenario_for_game(file, fields.require("scenario"), horizon, stochastic);
  const Scenario& scenario = *definition.scenario;
  if (definition.title.empty()) definition.title = scenario.title;

  if (const auto listed = fields.get("public")) {
    if (!listed->node.IsSequence())
      fail(*listed, fmt::format("expected a list of variables, got {}", describe(listed->node)));
    const std::vector<std::string> known = variable_names(scenario.layout->declaration());
    for (std::size_t index = 0; index < listed->node.size(); ++index) {
      const Located item = locate(listed->node[index], *listed, fmt::format("{}[{}]", listed->path, index));
      const std::string name = read_text(item);
      if (std::find(known.begin(), known.end(), name) == known.end())
        fail(item, unknown_name_message("variable", name, known));
      definition.public_variables.push_back(name);
    }
  }
  if (const auto intelligence = fields.get("intelligence")) {
    const Fields settings(*intelligence, {"noise", "lag_months", "secret_lever_steps", "levers"});
    if (const auto noise = settings.get("noise")) definition.intelligence_noise = read_number(*noise, 0, 1);
    if (const auto lag = settings.get("lag_months"))
      definition.intelligence_lag_months = static_cast<int>(read_whole_number(*lag, 0, 60));
    if (const auto steps = settings.get("secret_lever_steps"))
      definition.secret_lever_steps = read_number(*steps, 0, 100);
    if (const auto levers = settings.get("levers"))
      for (const Entry& entry : entries(*levers)) {
        lever_slot(*scenario.layout, entry.name, entry.key);
        definition.lever_steps[entry.name] = read_number(entry.value, 0, 100);
      }
  }

  const Located teams = fields.require("teams");
  for (const Entry& entry : entries(teams)) definition.teams.push_back(read_team(entry, scenario));
  if (definition.teams.empty()) fail(teams, "a game needs at least one team");

  if (const auto injects = fields.get("injects"))
    for (const Entry& card : entries(*injects)) definition.deck[card.name] = read_inject(card, scenario);

  if (const auto counterfactual = fields.get("counterfactual")) {
    const Fields settings(*counterfactual, {"team", "scenario"});
    const Located team = settings.require("team");
    const Located other = settings.require("scenario");
    const std::string id = read_text(team);
    if (!definition.find_team(id)) fail(team, unknown_name_message("team", id, definition.team_ids()));
    const fs::path other_file = file.parent_path() / read_text(other);
    if (!fs::is_regular_file(other_file))
      fail(other, fmt::format("cannot read scenario file '{}'", other_file.string()));
    try {
      definition.counterfactual = load_counterfactual(definition, id, other_file);
    } catch (const GameError& error) {
      fail(other, error.what());
    }
  }
  // What a game is pinned to: this file's bytes and what its scenarios were made from.
  std::string content = *root.text + scenario.content_hash;
  if (definition.counterfactual) content += definition.counterfactual->scenario->content_hash;
  definition.content_hash = hash_of(content);
  return definition;
}

Counterfactual load_counterfactual(const Definition& definition, const std::string& team,
                                   const fs::path& scenario_file) {
  if (!definition.find_team(team))
    throw GameError(unknown_name_message("team for the counterfactual:", team, definition.team_ids()));
  LoadOptions options;
  options.months = definition.turns * definition.turn_months;
  options.stochastic = definition.scenario->stochastic;
  auto scenario = load_scenario(scenario_file.lexically_normal(), options);
  if (scenario->model_name != definition.scenario->model_name ||
      scenario->start.to_string() != definition.scenario->start.to_string())
    throw GameError("the counterfactual scenario must use the game's model and start month");
  return {team, std::move(scenario), scenario_file.stem().string()};
}

bool is_definition_file(const fs::path& file) {
  const Located root = load_yaml_file(file.string(), "scenario or game definition");
  return root.node.IsMap() && root.node["teams"];
}

std::string default_definition(const Scenario& scenario, const std::string& scenario_path, int turns, int turn_months) {
  const Layout& layout = *scenario.layout;
  std::vector<std::string> charted;
  for (const ChartPanelDecl& panel : layout.declaration().chart_panels) charted.push_back(panel.variable);
  std::string text = fmt::format(
      "# A game made by `steppe wargame new` from {} (docs/wargame.md is the format).\n"
      "# Edit it before the first move: costs, budgets, which levers each team holds.\n"
      "title: {}\n"
      "scenario: {}\n"
      "turns: {}\n"
      "turn_months: {}\n"
      "members: 200\n"
      "stochastic: true\n"
      "public: [{}]   # seen exactly by every team: the variables the model charts\n"
      "intelligence: {{noise: 0.05, lag_months: {}}}\n"
      "teams:\n",
      scenario_path, json(scenario.title + " (wargame)").dump(), json(scenario_path).dump(), turns, turn_months,
      fmt::join(charted, ", "), turn_months);
  for (const Actor& actor : layout.actors()) {
    std::string menu;
    double starting = 0;
    for (std::size_t slot = 0; slot < layout.levers().size(); ++slot) {
      const Layout::LeverSlot& lever = layout.levers()[slot];
      if (lever.actor != actor.name) continue;
      const double start = scenario.levers[slot].value_at(0, lever.status_quo);
      // Five evenly spaced settings over the lever's range with the starting value among them;
      // cost 0 to 4 by rank, so that more of anything costs more.
      std::vector<double> settings = {start};
      for (int step = 0; step <= 4; ++step) {
        const double value = lever.decl->min + (lever.decl->max - lever.decl->min) * step / 4.0;
        if (std::abs(value - start) > 0.1 * (lever.decl->max - lever.decl->min)) settings.push_back(value);
      }
      std::sort(settings.begin(), settings.end());
      std::string entries_text;
      for (std::size_t rank = 0; rank < settings.size(); ++rank) {
        // Written to the last digit: the starting value must read back as exactly itself.
        entries_text += fmt::format("{}{}: {}", rank ? ", " : "", settings[rank], rank);
        if (settings[rank] == start) starting += static_cast<double>(rank);
      }
      menu += fmt::format("      {}: {{settings: {{{}}}}}\n", lever.decl->name, entries_text);
    }
    if (menu.empty()) continue;
    const double budget = std::ceil(starting * 1.25 + 2);
    text += fmt::format(
        "  {}:\n    name: {}\n    budget: {{per_turn: {:g}, carry_over: 0.5, max_bank: {:g}}}\n    menu:\n{}",
        actor.name, actor.name, budget, std::ceil(budget / 2), menu);
  }
  if (text.find("\n    menu:\n") == std::string::npos)
    throw GameError(
        fmt::format("the {} model declares no levers for the scenario's actors: there is nothing for teams "
                    "to play",
                    scenario.model_name));
  return text;
}

// Where each part of a submission is in its file, to report a rule it breaks there.
struct MovesFile::Places {
  Located root, moves;
  std::optional<Located> team, turn;
  std::vector<Entry> entries;  // one per move, in order
};

MovesFile::MovesFile(const fs::path& file) {
  auto places = std::make_shared<Places>();
  places->root = load_yaml_file(file.string(), "moves file");
  const Fields fields(places->root, {"team", "turn", "moves"});
  if ((places->team = fields.get("team"))) submission_.team = read_text(*places->team);
  if ((places->turn = fields.get("turn")))
    submission_.turn = static_cast<int>(read_whole_number(*places->turn, 1, 1000));
  places->moves = fields.require("moves");
  submission_.keeps_everything = places->moves.node.IsNull();
  if (!submission_.keeps_everything) places->entries = entries(places->moves);
  // Any finite number is of the file's form; which settings a lever may take is a rule.
  for (const Entry& entry : places->entries)
    submission_.moves.push_back({entry.name, read_number(entry.value, -unbounded, unbounded)});
  places_ = std::move(places);
}

void MovesFile::refuse(const SubmissionError& error) const {
  using Part = SubmissionError::Part;
  const Places& at = *places_;
  switch (error.part()) {
    case Part::whole:
      fail(at.root, error.what());
    case Part::team:
      fail(at.team ? *at.team : at.root, error.what());
    case Part::turn:
      fail(at.turn ? *at.turn : at.root, error.what());
    case Part::moves:
      fail(at.moves, error.what());
    case Part::lever:
      fail(at.entries.at(error.move()).key, error.what());
    case Part::setting:
      fail(at.entries.at(error.move()).value, error.what());
    case Part::repeated:
      fail(at.entries.at(error.move()).key,
           fmt::format("{} (line {})", error.what(), source_mark(at.entries.at(error.first()).key).line));
  }
  fail(at.root, error.what());
}

Inject deck_inject(const Definition& definition, const std::string& name) {
  const auto card = definition.deck.find(name);
  if (card == definition.deck.end()) {
    std::vector<std::string> names;
    for (const auto& [known, inject] : definition.deck) names.push_back(known);
    throw InputError({"<command line>"}, "inject", unknown_name_message("inject", name, names));
  }
  return card->second;
}

Inject ad_hoc_inject(const Definition& definition, const AdHocInject& request) {
  const Scenario& scenario = *definition.scenario;
  const Layout& layout = *scenario.layout;
  Inject inject;
  inject.title = request.title.empty() ? "Ad hoc inject" : request.title;
  inject.months = request.months;
  const auto split = [](const std::string& text, char separator, const Located& at) {
    const auto position = text.find(separator);
    if (position == std::string::npos || position == 0)
      fail(at, fmt::format("expected {}, got '{}'", separator == '=' ? "NAME=VALUE" : "KIND:ACTOR", text));
    return std::pair{text.substr(0, position), text.substr(position + 1)};
  };
  const auto number = [](const std::string& text, const Located& at, double min, double max) {
    return read_number(Located{YAML::Node(text), at.file, at.mark, at.path, at.text}, min, max);
  };
  for (const std::string& text : request.levers) {
    const Located at = command_line("--lever", text, text);
    const auto [name, value] = split(text, '=', at);
    const int slot = lever_slot(layout, name, at);
    const LeverDecl& lever = *layout.levers()[static_cast<std::size_t>(slot)].decl;
    inject.levers.emplace_back(slot, number(value, at, lever.min, lever.max));
  }
  for (const std::string& text : request.jumps) {
    const Located at = command_line("--jump", text, text);
    const auto [name, value] = split(text, '=', at);
    inject.jumps.emplace_back(state_slot(layout, name, at), number(value, at, -1, 1));
  }
  for (const std::string& text : request.events) {
    const Located at = command_line("--event", text, text);
    const auto [kind, actor] = split(text, ':', at);
    inject.events.push_back(model_event(scenario, kind, actor, at, at));
  }
  if (!inject.levers.empty() && inject.months < 1)
    throw InputError({"<command line>"}, "--months",
                     "an inject that holds levers needs --months (how long it holds them)");
  if (inject.levers.empty() && inject.jumps.empty() && inject.events.empty())
    throw InputError({"<command line>"}, "inject", "name a card of the deck, or give --jump, --lever or --event");
  return inject;
}

Override read_override(const Definition& definition, const std::string& team_id, const std::string& assignment,
                       const std::string& note) {
  const Team* team = definition.find_team(team_id);
  if (!team)
    throw InputError({"<command line>"}, "--team", unknown_name_message("team", team_id, definition.team_ids()));
  const auto equals = assignment.find('=');
  if (equals == std::string::npos || equals == 0)
    throw InputError({"<command line>"}, "override", fmt::format("expected LEVER=SETTING, got '{}'", assignment));
  const std::string lever = assignment.substr(0, equals);
  const MenuItem* item = team->find(lever);
  if (!item) {
    std::vector<std::string> menu;
    for (const MenuItem& known : team->menu) menu.push_back(known.lever);
    throw InputError({"<command line>"}, "override",
                     unknown_name_message(fmt::format("lever on {}'s menu:", team_id), lever, menu));
  }
  const Located at = command_line("override", lever, assignment.substr(equals + 1));
  const LeverDecl& decl = *definition.scenario->layout->levers()[static_cast<std::size_t>(item->lever_slot)].decl;
  const double value = read_number(at, decl.min, decl.max);
  if (!item->costs.contains(value))
    throw InputError({"<command line>"}, "override",
                     fmt::format("{:g} is not a setting of {} on the menu", value, lever));
  return {team_id, lever, value, note};
}

GameFolder GameFolder::create(const fs::path& folder, const fs::path& definition_file) {
  if (fs::exists(folder / game_file))
    throw InputError({(folder / game_file).string()}, "--dir",
                     "a game is already in this folder; choose another --dir");
  if (fs::exists(folder) && !fs::is_directory(folder)) throw InputError({folder.string()}, "--dir", "not a folder");
  load_definition(definition_file);  // every mistake reported in the file as written, before anything is
  const RulesCopy copy = copy_rules(folder, definition_file);
  std::error_code error;
  fs::create_directories(folder, error);
  if (error) throw InputError({folder.string()}, "--dir", "cannot create the game folder: " + error.message());
  if (!copy.scenarios.empty()) {
    OutputFolder scenarios(folder / scenarios_copy);
    for (const auto& [name, text] : copy.scenarios) scenarios.add(name, text);
    scenarios.commit();
  }
  write_durably(folder / definition_copy, copy.definition);
  GameFolder game;
  game.folder_ = folder;
  game.definition_ = load_definition(folder / definition_copy);
  game.definition_file_ = definition_copy;
  game.log_ = new_game(game.definition_);
  game.save("new", "", definition_file.string());
  return game;
}

GameFolder GameFolder::open(const fs::path& folder, bool for_change) {
  GameFolder game;
  game.folder_ = folder;
  const fs::path file = folder / game_file;
  if (!fs::exists(file)) throw InputError({file.string()}, "GAME", "no game here (make one with `steppe wargame new`)");
  if (for_change) {
    // Changes wait for each other a little (two teams submitting at once); a game held longer,
    // by `steppe wargame play` on another terminal, is reported rather than waited for.
    game.lock_ = ::open((folder / ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (game.lock_ < 0)
      throw InputError({folder.string()}, "GAME",
                       "cannot lock the game folder: " + std::generic_category().message(errno));
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (::flock(game.lock_, LOCK_EX | LOCK_NB) != 0) {
      if (errno != EWOULDBLOCK || std::chrono::steady_clock::now() > give_up)
        throw InputError({folder.string()}, "GAME",
                         "the game is busy: another steppe (perhaps `steppe wargame play`) is changing it");
      ::usleep(20000);
    }
    remove_orphaned_temporaries(folder);  // a save cut short by SIGKILL or a power cut
  }
  game.saved_ = read_input_file(file, "game file", nullptr, max_game_file_bytes);
  const auto damaged = [&](const std::string& reason) {
    return InputError({file.string()}, "", fmt::format("{}{}", reason, restore_hint(folder)));
  };
  json document;
  try {
    document = json::parse(game.saved_);
  } catch (const json::parse_error& error) {
    throw damaged(fmt::format("the game file is damaged: it is not valid JSON (at byte {})", error.byte));
  }
  if (!document.is_object() || !document.contains("format") || !document["format"].is_string())
    throw damaged("the game file is damaged: it is not a steppe game");
  if (document["format"] != format_name)
    throw InputError({file.string()}, "",
                     fmt::format("this game was saved as '{}' by another version of steppe, which this one does not "
                                 "read ('{}')",
                                 document["format"].get<std::string>(), format_name));
  if (const std::string broken = first_broken_link(document); !broken.empty())
    throw damaged(
        fmt::format("{} does not match the hash saved with it: game.json was changed outside steppe (edited "
                    "by hand, or damaged), and the game refuses to go on from it",
                    broken));
  try {
    game.definition_file_ = document.at("definition");
    const fs::path definition_file = folder / game.definition_file_;
    game.definition_ = load_definition(definition_file);
    game.pinned_ = !document.at("definition_hash").is_null();
    // Until the first change the definition may still be edited: the starting state follows it.
    const bool recompute_start = !game.pinned_;
    if (game.pinned_ && document.at("definition_hash") != game.definition_.content_hash)
      throw InputError({definition_file.string()}, "",
                       "the game definition or its scenario changed since play began; a game keeps the rules it "
                       "started with (start a new game to use the new ones)");
    const Scenario& scenario = *game.definition_.scenario;
    if (document.at("slots") != json(slot_names(*scenario.layout)))
      throw damaged("the game file's state variables are not its scenario's");
    game.log_.initial = recompute_start ? new_game(game.definition_).initial : bands_from_json(document.at("initial"));
    for (const json& turn : document.at("turns")) game.log_.turns.push_back(turn_from_json(turn, scenario));
    for (const json& entry : document.at("history"))
      game.history_.push_back(
          {entry.at("time"), entry.at("action"), entry.at("team"), entry.at("detail"), entry.at("turn")});
  } catch (const json::exception& error) {
    throw damaged(fmt::format("the game file is damaged: {}", plain_message(error)));
  } catch (const std::runtime_error& error) {
    if (dynamic_cast<const InputError*>(&error)) throw;
    throw damaged(fmt::format("the game file is damaged: {}", error.what()));
  }
  return game;
}

GameFolder::GameFolder(GameFolder&& other) noexcept
    : folder_(std::move(other.folder_)),
      definition_file_(std::move(other.definition_file_)),
      pinned_(other.pinned_),
      definition_(std::move(other.definition_)),
      log_(std::move(other.log_)),
      history_(std::move(other.history_)),
      lock_(std::exchange(other.lock_, -1)),
      saved_(std::move(other.saved_)) {}

GameFolder::~GameFolder() {
  if (lock_ >= 0) ::close(lock_);  // closing releases the lock
}

void GameFolder::save(const std::string& action, const std::string& team, const std::string& detail) {
  const Turn* open = log_.open_turn();
  history_.push_back({now_utc(), action, team, detail, open ? open->number : 0});
  if (action != "new") pinned_ = true;
  const Scenario& scenario = *definition_.scenario;
  json turns = json::array(), history = json::array();
  for (const Turn& turn : log_.turns) turns.push_back(to_json(turn, scenario));
  for (const HistoryEntry& entry : history_)
    history.push_back({{"time", entry.time},
                       {"action", entry.action},
                       {"team", entry.team},
                       {"detail", entry.detail},
                       {"turn", entry.turn}});
  json document = {{"format", format_name},
                   {"definition", definition_file_},
                   {"definition_hash", pinned_ ? json(definition_.content_hash) : json(nullptr)},
                   {"slots", slot_names(*scenario.layout)},
                   {"initial", to_json(log_.initial)},
                   {"turns", turns},
                   {"history", history}};
  seal(document);
  std::string bytes = document.dump(1) + "\n";
  // The save before stays as the backup, written as durably: whichever of the two a crash
  // interrupts, the other is whole. Both hold every secret move: a new game's are readable by
  // their owner only, and a save keeps what permissions the file was given (a class sharing the
  // folder between accounts may open it to a group).
  std::error_code missing;
  const fs::perms kept = fs::status(folder_ / game_file, missing).permissions();
  const unsigned mode = missing || kept == fs::perms::unknown ? 0600 : static_cast<unsigned>(kept & fs::perms::mask);
  if (!saved_.empty()) write_durably(folder_ / backup_file, saved_, mode);
  write_durably(folder_ / game_file, bytes, mode);
  saved_ = std::move(bytes);
}

}  // namespace steppe::wargame
