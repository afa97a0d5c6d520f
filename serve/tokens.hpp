// The classroom's secret tokens: one per team, one for the facilitator and one for the
// projector, each 128 bits from the operating system's random source, kept in the game folder
// (tokens.json, readable by its owner only) so that a restarted server honours the links it
// handed out. A request is authorized by its token alone.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace steppe::serve {

enum class Role { facilitator, projector, team };

// Who a token belongs to.
struct Holder {
  Role role = Role::projector;
  std::string team;  // the team's id, for Role::team
};

class Tokens {
 public:
  // The game folder's tokens, made for the facilitator, the projector and each of `teams` that
  // has none yet (and saved) so that every holder keeps its token from one server to the next.
  static Tokens load_or_create(const std::filesystem::path& game, const std::vector<std::string>& teams);

  const std::string& facilitator() const { return facilitator_; }
  const std::string& projector() const { return projector_; }
  const std::string& team(const std::string& id) const { return teams_.at(id); }
  // The holder of `token`, compared in constant time with every token so that the time taken
  // tells nothing about how much of a guess was right; nothing for an unknown token.
  std::optional<Holder> holder(std::string_view token) const;

 private:
  std::string facilitator_, projector_;
  std::map<std::string, std::string> teams_;  // team id → token
};

// 128 bits from getrandom(2) as 32 hexadecimal digits.
std::string random_token();

}  // namespace steppe::serve
