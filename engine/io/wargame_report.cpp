#include "engine/io/wargame_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "engine/io/results.hpp"
#include "engine/io/svg_chart.hpp"

namespace steppe::wargame {

namespace {

// A table both writers render: HTML and Markdown.
struct ReportTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  std::string html() const {
    std::string out = "<table>\n<tr>";
    for (const std::string& cell : header) out += "<th>" + escape_xml(cell) + "</th>";
    out += "</tr>\n";
    for (const auto& row : rows) {
      out += "<tr>";
      for (const std::string& cell : row) out += "<td>" + escape_xml(cell) + "</td>";
      out += "</tr>\n";
    }
    return out + "</table>\n";
  }
  std::string markdown() const {
    const auto line = [](const std::vector<std::string>& cells) {
      std::string out = "|";
      for (const std::string& cell : cells) {
        std::string escaped;
        for (char c : cell) escaped += c == '|' ? std::string("\\|") : std::string(1, c);
        out += " " + escaped + " |";
      }
      return out + "\n";
    };
    std::string out = line(header) + "|";
    for (std::size_t column = 0; column < header.size(); ++column) out += "---|";
    out += "\n";
    for (const auto& row : rows) out += line(row);
    return out;
  }
};

// Both documents, built section by section.
struct Writer {
  std::string html, markdown;
  void heading(const std::string& text) {
    html += "<h2>" + escape_xml(text) + "</h2>\n";
    markdown += "\n## " + text + "\n\n";
  }
  void paragraph(const std::string& text) {
    html += "<p>" + escape_xml(text) + "</p>\n";
    markdown += text + "\n\n";
  }
  void table(const ReportTable& table) {
    html += table.html();
    markdown += table.markdown() + "\n";
  }
};

std::string number(double value) { return fmt::format("{:.3f}", value); }
// A score to three decimals with its sign; one that rounds to nothing reads +0.000, not -0.000.
std::string score_text(double value) { return fmt::format("{:+.3f}", std::abs(value) < 5e-4 ? 0.0 : value); }

// The variables charted: every variable with at most four slots (per-lever engagement is left
// out: the timeline has the moves), in the model's order.
std::vector<std::string> charted_variables(const Layout& layout) {
  std::map<std::string, int> slots;
  std::vector<std::string> order;
  for (const Layout::StateSlot& slot : layout.state()) {
    if (slot.decl->internal) continue;
    if (slots[slot.decl->name]++ == 0) order.push_back(slot.decl->name);
  }
  std::erase_if(order, [&](const std::string& name) { return slots[name] > 4; });
  return order;
}

std::string inline_svg(std::string svg) {
  const auto start = svg.find("<svg");
  return start == std::string::npos ? svg : svg.substr(start);
}

}  // namespace

ReportFiles render_report(const Definition& definition, const GameLog& log, const std::vector<HistoryEntry>& history,
                          const CounterfactualBands* counterfactual, SecretMoves secret_moves) {
  const Scenario& scenario = *definition.scenario;
  const Layout& layout = *scenario.layout;
  const int played = log.adjudicated_turns();
  const int now = definition.first_month(played + 1);

  Writer out;
  out.html += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
              escape_xml(definition.title) +
              " — debrief</title>\n<style>\nbody{font-family:sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;"
              "color:#111}\ntable{border-collapse:collapse;margin:0.5em 0 1.5em}\ntd,th{border:1px solid #ccc;padding:"
              "0.25em 0.6em;text-align:left}\nth{background:#f2f2f2}\nfigure{display:inline-block;margin:0.5em 0.5em "
              "0.5em 0;vertical-align:top}\nfigcaption{max-width:36em;color:#333}\n"
              "summary{cursor:pointer;font-weight:bold;margin:0.5em 0}\n"
              "</style>\n</head>\n<body>\n<h1>" +
              escape_xml(definition.title) + " — debrief</h1>\n";
  out.markdown += "# " + definition.title + " — debrief\n\n";
  std::vector<std::string> teams;
  for (const Team& team : definition.teams) teams.push_back(fmt::format("{} ({})", team.name, team.id));
  out.paragraph(
      fmt::format("{} of {} turns of {} months played from {}; teams: {}. Each turn was adjudicated by the "
                  "{} model as an ensemble of {} runs (seed {}): charts show the median and the 5–95% band.",
                  played, definition.turns, definition.turn_months, scenario.start.to_string(), fmt::join(teams, ", "),
                  scenario.model_name, definition.members, scenario.seed));

  // Timeline: every turn's injects, visible moves (overrides with their notes) and scheduled
  // events; the secret moves apart, to reveal when the debrief comes to them.
  out.heading("Timeline");
  ReportTable timeline{{"turn", "months", "who", "what"}, {}}, secret{{"turn", "months", "who", "what"}, {}};
  std::map<std::string, int> secret_counts;
  for (int turn = 1; turn <= played; ++turn) {
    const Turn& entry = log.turns[static_cast<std::size_t>(turn - 1)];
    const std::string months = turn_dates(definition, turn);
    for (const TimelineNote& note : scheduled_in_turn(definition, turn))
      timeline.rows.push_back({std::to_string(turn), months, "scheduled", note.text});
    for (const Inject& inject : entry.injects)
      timeline.rows.push_back({std::to_string(turn), months, "facilitator",
                               "inject: " + inject.title + (inject.text.empty() ? "" : " — " + inject.text)});
    const TurnSummary summary = summarize_turn(definition, log, turn);
    const auto note_of = [&](const PublicMove& move) {
      std::string note;
      for (const Override& entry_override : entry.overrides)
        if (entry_override.team == move.team && entry_override.lever == move.lever) note = entry_override.note;
      return note.empty() ? std::string(" (set by the facilitator)") : " (set by the facilitator: " + note + ")";
    };
    for (const PublicMove& move : summary.visible)
      timeline.rows.push_back(
          {std::to_string(turn), months, move.team,
           fmt::format("{} {:g} → {:g}{}", move.lever, move.from, move.to, move.overridden ? note_of(move) : "")});
    for (const PublicMove& move : summary.secret) {
      ++secret_counts[move.team];
      secret.rows.push_back(
          {std::to_string(turn), months, move.team,
           fmt::format("{} {:g} → {:g}{}", move.lever, move.from, move.to, move.overridden ? note_of(move) : "")});
    }
    for (const InjectHold& hold : summary.holds) {
      const std::string first = scenario.date(hold.first_month).to_string();
      const std::string held = hold.first_month == hold.last_month
                                   ? first
                                   : fmt::format("{} to {}", first, scenario.date(hold.last_month).to_string());
      timeline.rows.push_back(
          {std::to_string(turn), months, "facilitator",
           fmt::format("{} held {} {} at {:g} in {}{}", hold.inject, hold.actor, hold.lever, hold.value, held,
                       hold.on_menu ? fmt::format(" ({} not charged for it then)", hold.actor) : "")});
    }
    if (entry.forced)
      timeline.rows.push_back({std::to_string(turn), months, "facilitator", "adjudicated before every team had moved"});
  }
  if (played == 0)
    out.paragraph("No turn has been played yet.");
  else if (timeline.rows.empty())
    out.paragraph("No team made a move others could see, and nothing was injected or scheduled.");
  else
    out.table(timeline);
  if (!secret.rows.empty()) {
    std::vector<std::string> counts;
    for (const auto& [team, count] : secret_counts) counts.push_back(fmt::format("{} {}", team, count));
    const std::string summary =
        fmt::format("Secret moves ({}): what each team did that no other team saw", fmt::join(counts, ", "));
    if (secret_moves == SecretMoves::left_out) {
      out.paragraph(summary + " — not shown until the facilitator reveals them.");
    } else {
      out.html += fmt::format("<details id=\"secret-moves\"{}>\n<summary>{}</summary>\n",
                              secret_moves == SecretMoves::shown ? " open" : "", escape_xml(summary));
      out.markdown += "### " + summary + "\n\n";
      out.table(secret);
      out.html += "</details>\n";
    }
  }

  // Each team against the objectives its brief names.
  if (played > 0) {
    out.heading("Objectives");
    ReportTable scores{{"team", "objective", "wanted", "weight", "start", "end", "score"}, {}};
    for (const TeamScore& score : score_teams(definition, log)) {
      for (const ObjectiveScore& objective : score.objectives)
        scores.rows.push_back({score.team, objective.objective.variable,
                               objective.objective.higher_is_better ? "higher" : "lower",
                               fmt::format("{:g}", objective.objective.weight), number(objective.start),
                               number(objective.end), score_text(objective.score)});
      if (!score.objectives.empty())
        scores.rows.push_back({score.team, "overall", "", "", "", "", score_text(score.total)});
    }
    if (scores.rows.empty()) {
      out.paragraph("The game definition names no objectives for the teams (docs/wargame.md, objectives).");
    } else {
      out.paragraph(
          "Each objective's median from the start to now, scored as its change over the variable's whole range, "
          "positive when it went the way the team wanted; overall is the weighted mean.");
      out.table(scores);
    }
  }

  // Charts: each indicator across the turns, with its band, and the counterfactual dashed.
  if (played > 0) {
    out.heading("Indicators");
    if (counterfactual)
      out.paragraph(
          fmt::format("Dashed: the counterfactual, the same game with {}'s moves replaced by the levers of {}.",
                      counterfactual->team, counterfactual->label));
    std::vector<YearMonth> dates;
    for (int month = 0; month <= now; ++month) dates.push_back(scenario.date(month));
    int figure = 0;
    for (const std::string& variable : charted_variables(layout)) {
      Chart chart;
      chart.title = variable;
      chart.subtitle = fmt::format(
          "median and 5–95% of {} runs{}", definition.members,
          counterfactual ? fmt::format("; dashed: {} plays {}", counterfactual->team, counterfactual->label) : "");
      chart.dates = dates;
      for (int turn = 1; turn <= played; ++turn) {
        std::vector<std::string> injects;
        for (const Inject& inject : log.turns[static_cast<std::size_t>(turn - 1)].injects)
          injects.push_back(inject.title);
        chart.markers.push_back(
            {static_cast<std::size_t>(definition.first_month(turn)),
             injects.empty() ? fmt::format("T{}", turn) : fmt::format("T{} ⚑ {}", turn, fmt::join(injects, ", "))});
      }
      ChartPanel panel;  // untitled: the chart's title names it
      const VariableDecl* decl = layout.declaration().find_variable(variable);
      set_y_range(panel, *decl, {});
      int color = 0;
      std::vector<std::string> wanted;  // who wants which slot which way
      for (std::size_t slot = 0; slot < layout.state().size(); ++slot) {
        if (layout.state()[slot].decl->name != variable) continue;
        if (const std::string label = objective_label(definition, static_cast<int>(slot)); !label.empty())
          wanted.push_back(fmt::format("{}: {}", layout.state_name(static_cast<int>(slot)), label));
        ChartSeries series;
        series.label = layout.state_name(static_cast<int>(slot));
        series.color = color;
        for (int month = 0; month <= now; ++month) {
          const Band& band = band_at(definition, log, month, static_cast<int>(slot));
          series.values.push_back(band.p50);
          series.band_lower.push_back(band.p05);
          series.band_upper.push_back(band.p95);
        }
        panel.series.push_back(std::move(series));
        if (counterfactual) {
          ChartSeries dashed;
          dashed.label = layout.state_name(static_cast<int>(slot)) + " (" + counterfactual->label + ")";
          dashed.color = color;
          dashed.dash = 1;
          for (int month = 0; month <= now; ++month)
            dashed.values.push_back(counterfactual->bands.at(month, static_cast<int>(slot)).p50);
          panel.series.push_back(std::move(dashed));
        }
        ++color;
      }
      chart.panels.push_back(std::move(panel));
      out.html += fmt::format(
          "<figure id=\"chart-{}\">\n{}{}</figure>\n", variable, inline_svg(render_svg(chart)),
          wanted.empty() ? ""
                         : "<figcaption>" + escape_xml(fmt::format("{}", fmt::join(wanted, "; "))) + "</figcaption>\n");
      ++figure;
    }
    out.markdown += fmt::format("{} charts, one per indicator, are in report.html.\n\n", figure);
  }

  // Spending per team and turn.
  out.heading("Spending");
  ReportTable spending{{"team"}, {}};
  for (int turn = 1; turn <= played; ++turn) spending.header.push_back(fmt::format("turn {}", turn));
  spending.header.push_back("total");
  BarChart bars{
      "Spending", "political capital spent over the game, and the budget it had", "capital", {"spent", "budget"}, {}};
  for (const Team& team : definition.teams) {
    std::vector<std::string> row = {team.id};
    double spent = 0, budget = 0;
    for (int turn = 1; turn <= played; ++turn) {
      const double cost = charged_upkeep(definition, log, team, turn);
      const double available = available_budget(definition, log, team, turn);
      row.push_back(fmt::format("{} of {}", amount_text(cost), amount_text(available)));
      spent += cost;
      budget += team.budget.per_turn;
    }
    row.push_back(fmt::format("{} of {}", amount_text(spent), amount_text(budget)));
    spending.rows.push_back(std::move(row));
    bars.rows.push_back({team.name, {spent, budget}, {}});
  }
  out.table(spending);
  if (played > 0) out.html += "<figure id=\"chart-spending\">\n" + inline_svg(render_bar_svg(bars)) + "</figure>\n";

  // The counterfactual in numbers: the end of the game both ways.
  if (counterfactual && played > 0) {
    out.heading(fmt::format("Counterfactual: {} plays {}", counterfactual->team, counterfactual->label));
    out.paragraph(
        fmt::format("The same game — the same injects, the other teams' same moves, the same random draws — "
                    "with {}'s levers following {} instead of its moves. Medians at {}.",
                    counterfactual->team, counterfactual->label, scenario.date(now).to_string()));
    ReportTable comparison{{"indicator", "as played", counterfactual->label, "difference"}, {}};
    for (const std::string& variable : charted_variables(layout))
      for (std::size_t slot = 0; slot < layout.state().size(); ++slot) {
        if (layout.state()[slot].decl->name != variable) continue;
        const double played_value = band_at(definition, log, now, static_cast<int>(slot)).p50;
        const double other_value = counterfactual->bands.at(now, static_cast<int>(slot)).p50;
        comparison.rows.push_back({layout.state_name(static_cast<int>(slot)), number(played_value), number(other_value),
                                   fmt::format("{:+.3f}", other_value - played_value)});
      }
    out.table(comparison);
  }

  // The log names every submission's settings, secret ones too: it goes with them.
  out.heading("Game log");
  if (secret_moves == SecretMoves::left_out) {
    out.paragraph("The game log lists every submission, secret moves included: it is the facilitator's.");
  } else {
    ReportTable entries{{"time (UTC)", "action", "team", "detail"}, {}};
    for (const HistoryEntry& entry : history)
      entries.rows.push_back({entry.time, entry.action, entry.team, entry.detail});
    out.html += fmt::format(
        "<details id=\"game-log\"{}>\n<summary>Every action, with its time (secret moves "
        "included)</summary>\n",
        secret_moves == SecretMoves::shown ? " open" : "");
    out.table(entries);
    out.html += "</details>\n";
  }
  out.html += "</body>\n</html>\n";
  return {out.html, out.markdown};
}

}  // namespace steppe::wargame
