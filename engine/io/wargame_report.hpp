// The wargame's debrief: one self-contained HTML page (inline CSS and SVG charts, no scripts,
// no fonts or anything else fetched) and the same content in Markdown. The timeline of moves,
// injects (with their markers on the charts), overrides with their notes and scheduled events,
// the secret moves apart; a chart of each indicator across the turns with its ensemble band and
// who wants it which way; each team scored by its objectives; each team's spending per turn;
// and a counterfactual — the same
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

// The teams' secret moves in a debrief: listed apart from the rest and folded away until opened
// (the guide reveals them at question 1), left out until the facilitator reveals them (the
// projector's copy), or shown open.
enum class SecretMoves { folded, left_out, shown };

ReportFiles render_report(const Definition& definition, const GameLog& log, const std::vector<HistoryEntry>& history,
                          const CounterfactualBands* counterfactual, SecretMoves secret_moves = SecretMoves::folded);

}  // namespace steppe::wargame
