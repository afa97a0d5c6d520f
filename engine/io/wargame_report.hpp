// The wargame's debrief: one self-contained HTML page (inline CSS and SVG charts, no scripts,
// no fonts or anything else fetched) and the same content in Markdown. The timeline of moves
// (secret ones revealed), injects and scheduled events; a chart of each indicator across the
// turns with its ensemble band; each team's spending per turn; and a counterfactual — the same
// game with one team's moves replaced by a scenario's levers, adjudicated by the caller — drawn
// dashed on the charts and compared in a table.
#pragma once

#include <string>
#include <vector>

#include "engine/io/wargame_files.hpp"
#include "engine/wargame.hpp"

namespace steppe::wargame {

struct ReportFiles {
  std::string html;
  std::string markdown;
};

// The counterfactual a debrief compares the game with: whose moves it replaced, by what, and the
// bands it gave (months 0 to the last adjudicated turn's end; none before any turn is played).
// The caller adjudicates it (wargame::adjudicate); the renderer only draws.
struct CounterfactualBands {
  std::string team;
  std::string label;
  Bands bands;
};

ReportFiles render_report(const Definition& definition, const GameLog& log, const std::vector<HistoryEntry>& history,
                          const CounterfactualBands* counterfactual);

}  // namespace steppe::wargame
