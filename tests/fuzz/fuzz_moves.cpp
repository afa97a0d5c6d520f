// Fuzz target: a team's moves file (docs/wargame.md, A turn), submitted as `steppe wargame submit`
// submits it: the file's form (wargame::MovesFile), then the game's rules for every team of the
// classroom game (wargame::check_submission) with turn 1 open, turn 2 open and the game over; a
// broken rule is reported at its place in the file (MovesFile::refuse, an InputError).
// Seeds: corpus/moves/.
#include <vector>

#include "engine/io/wargame_files.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using namespace steppe::wargame;

struct Game {
  Definition definition;
  std::vector<GameLog> logs;  // turn 1 open, turn 2 open, over
};

Game make_game() {
  Game game{load_definition(steppe::fuzz::source_dir() / "examples/classroom/game.yaml"), {}};
  GameLog log = new_game(game.definition);
  game.logs.push_back(log);
  advance(game.definition, log, true);
  game.logs.push_back(log);
  while (log.open_turn()) advance(game.definition, log, true);
  game.logs.push_back(log);
  return game;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Game game = make_game();
  const auto file = steppe::fuzz::write_input(data, size, "fuzz_moves.yaml");
  return steppe::fuzz::expect_input_errors([&] {
    const MovesFile moves(file);
    for (const GameLog& log : game.logs)
      for (const Team& team : game.definition.teams) try {
          check_submission(game.definition, log, team, moves.submission());
        } catch (const SubmissionError& error) {
          try {
            moves.refuse(error);
          } catch (const steppe::InputError&) {
          }
        }
  });
}
