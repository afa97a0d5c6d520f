// Every JSON document steppe emits — printed with --json, written as summary.json,
// comparison.json, analysis and discovery files — made here from the use cases' result structs,
// so the command line, the classroom server and the Python package give the same documents.
// Numbers that are not finite become null. (Storage formats are not results and stay with their
// files in engine/io: a wargame's game.json, the sweep database's policies and goals columns.)
#pragma once

#include <nlohmann/json.hpp>

#include "app/describe.hpp"
#include "app/studies.hpp"
#include "app/wargame.hpp"
#include "app/what_if.hpp"
#include "engine/io/results.hpp"

namespace steppe::app::json {

// A finite number, or null.
nlohmann::json number(double value);

// summary.json of a run: outcomes, the state at start and horizon (one member) or the outcomes'
// and uncertain inputs' distributions (an ensemble), seed, content hash, versions and command.
nlohmann::json summary(const RunResult& result, const Provenance& provenance);
// comparison.json: every side's summary and each outcome's difference from the first side.
nlohmann::json comparison(const ComparisonResult& result, const Provenance& provenance);
// attribution.json: per side after the first, each outcome's difference split among the
// settings that differ (Shapley values; with intervals when sampled).
nlohmann::json attribution(const ComparisonResult& result, const Provenance& provenance);

// `--estimate --json`: an ensemble's memory estimate by part, what is available (null where
// unknown), and kept trajectories' file size (0 when none are kept).
nlohmann::json memory_estimate(const MemoryEstimate& memory, std::size_t trajectories_file_bytes);

// `describe MODEL --json`: the declaration table, every field of every entry.
nlohmann::json declaration(const ModelDeclaration& declaration);
// `describe --json`: the models' names and help.
nlohmann::json models(const std::vector<ModelSummary>& models);
// `describe --network SCENARIO --json`: routes per partner, control per neighbor and partner.
nlohmann::json network(const NetworkReport& report);
// `version --json`: the version, MPI support, and the models with their versions.
nlohmann::json build(const BuildInfo& info);

// `analyze --json`: per outcome, the indices (Sobol, Morris, given-data measures) with their
// intervals, or each policy's robustness.
nlohmann::json analysis(const AnalysisResult& result);
// discover.json: the cases, the peeling trajectory, and the chosen box's limits per input with
// their quasi-p-values and resampling check.
nlohmann::json discovery(const DiscoveryResult& result);

// --- the wargame (app/json/wargame.cpp) ---

// `steppe wargame status --json`: the open turn (null once the game is over), the turns, how many
// were adjudicated, and each team — with, while a turn is open, whether it submitted, and its
// budget only when the status was asked for by whom may see it (the facilitator: every team's; a
// team: its own). The facilitator's also lists the open turn's injects and overrides, in order.
nlohmann::json wargame_status(const GameStatus& status);

// An inject as the facilitator and the turns' reports show it: its card, title and text.
nlohmann::json inject(const wargame::Inject& inject);
// A facilitator's override: the team, the lever, the setting and the note.
nlohmann::json override_entry(const wargame::Override& entry);

// --- a wargame briefing (app/json/briefing.cpp) ---

// Who a briefing is shown to: the facilitator sees everything; a team its own briefing (its menu
// and budget, its own secret moves and spending, only how many secret moves each other team
// made); everyone (the projector) the public indicators and visible moves, never a budget.
enum class Audience { facilitator, team, everyone };
// The turns, how many were played, the open turn (null once the game is over) and its dates.
nlohmann::json clock(const GameClock& clock);
// A briefing as `audience` may see it: the clock, the indicators (estimates as `estimate` and
// `as_of`, exact ones as bands with every month's median), the last adjudicated turn and the
// open turn's scheduled events; for a team also its menu and whether it has submitted.
nlohmann::json briefing(const Briefing& briefing, Audience audience);

}  // namespace steppe::app::json
