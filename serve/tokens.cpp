#include "serve/tokens.hpp"

#include <fmt/format.h>
#include <sys/random.h>

#include <array>
#include <cerrno>
#include <nlohmann/json.hpp>
#include <system_error>

#include "engine/errors.hpp"
#include "engine/io/output_files.hpp"
#include "engine/io/yaml_input.hpp"

namespace steppe::serve {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t token_bytes = 16;

bool same(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char differ = 0;
  for (std::size_t index = 0; index < a.size(); ++index) differ |= static_cast<unsigned char>(a[index] ^ b[index]);
  return differ == 0;
}

}  // namespace

std::string random_token() {
  std::array<unsigned char, token_bytes> bytes{};
  for (std::size_t filled = 0; filled < bytes.size();) {
    const ssize_t count = ::getrandom(bytes.data() + filled, bytes.size() - filled, 0);
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) throw std::system_error(errno, std::generic_category(), "getrandom");
    filled += static_cast<std::size_t>(count);
  }
  std::string token;
  for (const unsigned char byte : bytes) token += fmt::format("{:02x}", byte);
  return token;
}

Tokens Tokens::load_or_create(const fs::path& game, const std::vector<std::string>& teams) {
  const fs::path file = game / "tokens.json";
  Tokens tokens;
  bool changed = !fs::exists(file);
  if (!changed) {
    try {
      const nlohmann::json document = nlohmann::json::parse(read_input_file(file, "the classroom's tokens"));
      tokens.facilitator_ = document.at("facilitator").get<std::string>();
      tokens.projector_ = document.at("projector").get<std::string>();
      tokens.teams_ = document.at("teams").get<std::map<std::string, std::string>>();
    } catch (const nlohmann::json::exception& error) {
      throw InputError(
          {file.string()}, "",
          fmt::format("cannot read the classroom's tokens ({}); delete the file to hand out new links", error.what()));
    }
  }
  const auto fill = [&](std::string& token) {
    if (token.size() != 2 * token_bytes) token = random_token(), changed = true;
  };
  fill(tokens.facilitator_);
  fill(tokens.projector_);
  for (const std::string& team : teams) fill(tokens.teams_[team]);
  if (changed) {
    const nlohmann::json document = {
        {"facilitator", tokens.facilitator_}, {"projector", tokens.projector_}, {"teams", tokens.teams_}};
    write_durably(file, document.dump(2) + "\n", 0600);
  }
  return tokens;
}

std::optional<Holder> Tokens::holder(std::string_view token) const {
  std::optional<Holder> found;
  if (same(token, facilitator_)) found = Holder{Role::facilitator, ""};
  if (same(token, projector_)) found = Holder{Role::projector, ""};
  for (const auto& [team, team_token] : teams_)
    if (same(token, team_token)) found = Holder{Role::team, team};
  return found;
}

}  // namespace steppe::serve
