// `steppe equilibrium`: best responses in turn between actors with lookahead controllers, over
// their menus (app::equilibrium, docs/controllers.md "Equilibrium"): a table of the rounds, then
// the stable profile found, the cycle, or neither within the rounds allowed.
#include "app/equilibrium.hpp"

#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "tools/steppe/command_registry.hpp"
#include "tools/steppe/commands.hpp"
#include "tools/steppe/table.hpp"

namespace steppe::cli {

namespace {

struct EquilibriumCliOptions {
  std::string scenario;
  std::vector<std::string> actors;
  std::int64_t members = 1;
  int threads = 0;
  int rounds = 50;
  ScenarioOptions scenario_options;
};

int equilibrium_command(const EquilibriumCliOptions& options) {
  app::EquilibriumRequest request{.scenario = options.scenario,
                                  .load = options.scenario_options.load_options(options.members > 1),
                                  .options = {.actors = options.actors,
                                              .members = options.members,
                                              .threads = options.threads,
                                              .max_rounds = options.rounds}};
  const app::EquilibriumStudy study = app::equilibrium(request);
  const EquilibriumResult& result = study.result;
  const std::size_t players = result.players.size();

  std::cout << fmt::format(
      "Best responses in turn: {} ({}, {} months, {})\n", fmt::join(options.actors, ", "), options.scenario,
      study.scenario->months,
      options.members == 1 ? "one run per profile" : fmt::format("{} members per profile", options.members));
  std::vector<std::string> header{"round"};
  for (const EquilibriumPlayer& player : result.players) header.push_back(player.actor);
  for (const EquilibriumPlayer& player : result.players) header.push_back(player.actor + " payoff");
  Table table(header);
  for (std::size_t round = 0; round < result.profiles.size(); ++round) {
    std::vector<std::string> row{std::to_string(round)};
    for (std::size_t player = 0; player < players; ++player)
      row.push_back(study.setting(player, result.profiles[round]));
    for (std::size_t player = 0; player < players; ++player)
      row.push_back(fmt::format("{:.4f}", result.payoffs[round][player]));
    table.add_row(row);
  }
  std::cout << table.render();

  const auto profile_text = [&](const std::vector<std::size_t>& profile) {
    std::vector<std::string> parts;
    for (std::size_t player = 0; player < players; ++player)
      parts.push_back(fmt::format("{} {}", result.players[player].actor, study.setting(player, profile)));
    return fmt::format("{}", fmt::join(parts, "; "));
  };
  const std::size_t rounds = result.profiles.size() - 1;
  if (result.stable)
    std::cout << fmt::format(
        "stable after {} round{}: {}\neach is a best response to the others within its menu "
        "({} profiles run)\n",
        rounds, rounds == 1 ? "" : "s", profile_text(result.profiles.back()), result.runs);
  else if (result.cycled)
    std::cout << fmt::format(
        "no stable profile: the best responses cycle, rounds {} to {} repeating "
        "({} profiles run)\n",
        result.cycle_from, rounds, result.runs);
  else
    std::cout << fmt::format("no stable profile within {} rounds ({} profiles run)\n", rounds, result.runs);
  return 0;
}

const CommandRegistration equilibrium_registration(75, [](CLI::App& app) {
  auto options = std::make_shared<EquilibriumCliOptions>();
  EquilibriumCliOptions& equilibrium = *options;
  auto* equilibrium_app = app.add_subcommand(
      "equilibrium", "Best responses in turn between actors' lookahead controllers: a stable profile, or the cycle");
  equilibrium_app->add_option("scenario", equilibrium.scenario, "Scenario YAML file")->required();
  equilibrium_app
      ->add_option("--actors", equilibrium.actors, "The players, each with a lookahead controller, e.g. CHN,USA")
      ->delimiter(',')
      ->type_name("ACTORS")
      ->required();
  equilibrium_app
      ->add_option("--members", equilibrium.members,
                   "Members per profile (default 1: the scenario's course; more: an ensemble's means)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1'000'000}));
  equilibrium_app->add_option("--threads", equilibrium.threads, "Threads (default: every core)")
      ->check(CLI::NonNegativeNumber);
  equilibrium_app->add_option("--rounds", equilibrium.rounds, "At most this many rounds (default 50)")
      ->check(CLI::Range(1, 1000));
  add_scenario_options(*equilibrium_app, equilibrium.scenario_options);
  return Command{equilibrium_app, [options](const std::string&) { return equilibrium_command(*options); }};
});

}  // namespace

}  // namespace steppe::cli
