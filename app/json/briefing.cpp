// The JSON of a wargame briefing (app/json.hpp) for one audience: what the classroom server
// sends each page, filtered here so that no face can show a team what is not its own.
#include "app/json.hpp"

namespace steppe::app::json {

namespace {

nlohmann::json band(const wargame::Band& band) {
  return {{"p05", number(band.p05)}, {"p50", number(band.p50)}, {"p95", number(band.p95)}, {"mean", number(band.mean)}};
}

nlohmann::json indicator(const Indicator& indicator) {
  nlohmann::json entry = {{"actor", indicator.actor},          {"variable", indicator.variable},
                          {"exact", indicator.exact},          {"public", indicator.is_public},
                          {"min", number(indicator.min)},      {"max", number(indicator.max)},
                          {"before", number(indicator.before)}};
  if (indicator.exact) {
    entry["now"] = band(indicator.now);
    nlohmann::json medians = nlohmann::json::array();
    for (const double median : indicator.medians) medians.push_back(number(median));
    entry["medians"] = std::move(medians);
  } else {
    entry["estimate"] = number(indicator.now.p50);
    entry["as_of"] = indicator.as_of;
  }
  return entry;
}

nlohmann::json move(const wargame::PublicMove& move) {
  return {{"team", move.team},
          {"lever", move.lever},
          {"from", number(move.from)},
          {"to", number(move.to)},
          {"overridden", move.overridden}};
}

// A turn's report for the audience: every secret move for the facilitator; for a team its own
// secret moves and how many each other team made; for everyone only the counts. Spending is the
// facilitator's to see, and each team's own.
nlohmann::json turn(const TurnReport& report, Audience audience, const std::string& team) {
  nlohmann::json visible = nlohmann::json::array(), secret = nlohmann::json::array(), spent = nlohmann::json::object(),
                 injects = nlohmann::json::array();
  std::map<std::string, int> secret_counts;
  for (const wargame::PublicMove& entry : report.moves.visible) visible.push_back(move(entry));
  for (const wargame::PublicMove& entry : report.moves.secret) {
    ++secret_counts[entry.team];
    if (audience == Audience::facilitator || (audience == Audience::team && entry.team == team))
      secret.push_back(move(entry));
  }
  for (const auto& [spender, amount] : report.moves.spent)
    if (audience == Audience::facilitator || (audience == Audience::team && spender == team))
      spent[spender] = number(amount);
  for (const wargame::Inject& entry : report.injects) injects.push_back(inject(entry));
  return {{"turn", report.turn},      {"dates", report.dates},  {"forced", report.forced},        {"injects", injects},
          {"visible_moves", visible}, {"secret_moves", secret}, {"secret_counts", secret_counts}, {"spent", spent}};
}

nlohmann::json menu(const Menu& menu) {
  nlohmann::json lines = nlohmann::json::array();
  for (const MenuLine& line : menu.lines) {
    nlohmann::json settings = nlohmann::json::array();
    for (const auto& [setting, cost] : line.costs)
      settings.push_back({{"setting", number(setting)}, {"cost", number(cost)}});
    lines.push_back(
        {{"lever", line.lever}, {"holding", number(line.holding)}, {"settings", settings}, {"visible", line.visible}});
  }
  return {{"turn", menu.turn}, {"levers", lines}, {"budget", number(menu.budget)}, {"cost", number(menu.cost)}};
}

}  // namespace

nlohmann::json inject(const wargame::Inject& inject) {
  return {{"card", inject.name}, {"title", inject.title}, {"text", inject.text}};
}

nlohmann::json clock(const GameClock& clock) {
  return {{"turns", clock.turns},
          {"played", clock.played},
          {"open_turn", clock.over() ? nlohmann::json(nullptr) : nlohmann::json(clock.open_turn)},
          {"open_dates", clock.open_dates}};
}

nlohmann::json briefing(const Briefing& briefing, Audience audience) {
  nlohmann::json indicators = nlohmann::json::array();
  for (const Indicator& entry : briefing.indicators)
    if (audience != Audience::everyone || entry.is_public) indicators.push_back(indicator(entry));
  nlohmann::json scheduled = nlohmann::json::array();
  for (const ScheduledEvent& event : briefing.scheduled)
    scheduled.push_back({{"date", event.date}, {"text", event.text}});
  nlohmann::json document = {{"title", briefing.title},
                             {"clock", clock(briefing.clock)},
                             {"indicators", indicators},
                             {"scheduled", scheduled},
                             {"last_turn", nullptr}};
  if (briefing.last_turn) document["last_turn"] = turn(*briefing.last_turn, audience, briefing.team);
  if (audience == Audience::team) {
    document["team"] = {{"id", briefing.team}, {"name", briefing.team_name}};
    document["submitted"] = briefing.submitted;
    document["menu"] = briefing.menu ? menu(*briefing.menu) : nlohmann::json(nullptr);
  }
  return document;
}

}  // namespace steppe::app::json
