// The subcommands of `steppe`, each registered from its own file: a new command is one new file
// (its options, how it adds itself to CLI11, what it runs) with no list to edit elsewhere.
// main.cpp adds them to the app in their `order` — the order `steppe --help` lists them — and
// runs the one that was parsed.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace steppe::cli {

// A command added to the app: its subcommand, and what it runs once parsed, given the command
// line as typed (for provenance); it returns the exit code.
struct Command {
  CLI::App* app = nullptr;
  std::function<int(const std::string& command_line)> run;
};

// Adds the command and its options (bound to state the returned `run` keeps alive) to the app.
using CommandSetup = std::function<Command(CLI::App& app)>;

struct RegisteredCommand {
  int order;
  CommandSetup setup;
};

// A static CommandRegistration in a command's file registers it.
struct CommandRegistration {
  CommandRegistration(int order, CommandSetup setup);
};

// Every registered command, by order.
std::vector<RegisteredCommand> registered_commands();

}  // namespace steppe::cli
