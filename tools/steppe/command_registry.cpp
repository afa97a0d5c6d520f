#include "tools/steppe/command_registry.hpp"

#include <algorithm>

namespace steppe::cli {

namespace {

// Built on first use: registrations run during static initialization, in no set order.
std::vector<RegisteredCommand>& registry() {
  static std::vector<RegisteredCommand> commands;
  return commands;
}

}  // namespace

CommandRegistration::CommandRegistration(int order, CommandSetup setup) {
  registry().push_back({order, std::move(setup)});
}

std::vector<RegisteredCommand> registered_commands() {
  std::vector<RegisteredCommand> commands = registry();
  std::stable_sort(commands.begin(), commands.end(),
                   [](const RegisteredCommand& a, const RegisteredCommand& b) { return a.order < b.order; });
  return commands;
}

}  // namespace steppe::cli
