// steppe: the command line. Parses arguments with CLI11, dispatches to a subcommand, and turns
// failures into one clear message and an exit code: 2 for bad usage or bad input (with
// file:line:column and key path), 1 when a run itself fails.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>
#include <new>

#include "engine/errors.hpp"
#include "engine/heap.hpp"
#include "engine/text.hpp"
#include "tools/steppe/command_registry.hpp"
#include "tools/steppe/interrupt.hpp"

namespace {

// The command as a shell would take it back, for provenance in outputs. The program is named
// without its folder, so that outputs do not depend on where steppe was built.
std::string quoted_command_line(int argc, char** argv) {
  std::string line;
  for (int index = 0; index < argc; ++index) {
    std::string argument = index == 0 ? std::filesystem::path(argv[0]).filename().string() : argv[index];
    const bool plain = !argument.empty() && argument.find_first_not_of(
                                                "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                "0123456789-_./=:,+@%") == std::string::npos;
    if (!plain) {
      std::string escaped = "'";
      for (char c : argument) escaped += c == '\'' ? std::string("'\\''") : std::string(1, c);
      argument = escaped + "'";
    }
    line += (index ? " " : "") + argument;
  }
  return line;
}

// A "did you mean" for a mistyped command or option, which CLI11 reports only as "A subcommand
// is required" or "The following arguments were not expected": the first word that is no command
// where one is expected, or an option ("--member") that the command it was given to does not
// have. Empty when nothing was mistyped or nothing is close.
std::string mistyped(const CLI::App& app, int argc, char** argv) {
  const CLI::App* command = &app;
  for (int index = 1; index < argc; ++index) {
    const std::string argument = argv[index];
    if (!argument.starts_with("-")) {
      // Where a command expects one of its subcommands (steppe, steppe wargame), this is one.
      const std::vector<const CLI::App*> subcommands = command->get_subcommands([](const CLI::App*) { return true; });
      if (subcommands.empty()) continue;  // a command's own argument
      std::vector<std::string> names;
      const CLI::App* found = nullptr;
      for (const CLI::App* sub : subcommands) {
        names.push_back(sub->get_name());
        if (sub->get_name() == argument) found = sub;
      }
      if (!found) return steppe::unknown_name_message("command", argument, names);
      command = found;
      continue;
    }
    if (!argument.starts_with("--") || argument == "--") continue;
    const std::string name = argument.substr(2, argument.find('=') - 2);
    std::vector<std::string> options;
    for (const CLI::App* owner = command; owner; owner = owner->get_parent())
      for (const CLI::Option* option : owner->get_options())
        for (const std::string& long_name : option->get_lnames()) options.push_back(long_name);
    if (std::find(options.begin(), options.end(), name) == options.end()) {
      std::string message = steppe::unknown_name_message("option", "--" + name, {});
      const std::string closest = steppe::closest_match(name, options);
      if (!closest.empty()) message += fmt::format(", did you mean '--{}'?", closest);
      return message;
    }
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace steppe::cli;
  steppe::keep_block_arrays_in_heap();
  CLI::App app{
      "steppe: strategic scenario simulation. Actors, levers and events in YAML; what-if runs, comparisons, "
      "ensembles, sensitivity sweeps, classroom wargames and model descriptions from the command line.",
      "steppe"};
  app.set_version_flag("--version", std::string("steppe ") + STEPPE_VERSION);
  app.require_subcommand(1);
  app.footer(
      "Exit codes: 0 success, 1 a run failed, 2 bad usage or bad input, 128 + the signal when stopped by one\n(130 "
      "Ctrl-C, 143 SIGTERM, 129 SIGHUP).\nDocs: docs/cli.md");

  std::vector<Command> commands;
  for (const RegisteredCommand& registered : registered_commands()) commands.push_back(registered.setup(app));

  // Every argument becomes text in outputs (paths, --set names, notes): it must be UTF-8.
  for (int index = 1; index < argc; ++index)
    if (const auto invalid = steppe::first_invalid_utf8(argv[index])) {
      const std::string option = index > 1 && argv[index - 1][0] == '-' ? std::string(argv[index - 1]) + " " : "";
      std::cerr << fmt::format("<command line>: error: {}argument {} is not valid UTF-8 (byte 0x{:02X} at byte {})\n",
                               option, index, static_cast<unsigned char>(argv[index][*invalid]), *invalid + 1);
      return 2;
    }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() != 0)
      if (const std::string hint = mistyped(app, argc, argv); !hint.empty()) {
        std::cerr << "<command line>: error: " << hint << "\nRun with --help for more information.\n";
        return 2;
      }
    const int code = app.exit(error);
    return code == 0 ? 0 : 2;
  }

  const std::string command_line = quoted_command_line(argc, argv);
  const InterruptScope signals;
  try {
    for (const Command& command : commands)
      if (command.app->parsed()) {
        const int code = command.run(command_line);
        // A signal during a command that does not stop for one (it finished and saved its work).
        if (code == 0 && interrupted()) {
          std::cerr << "steppe: interrupted after the command had finished; its work is complete\n";
          return interrupted_exit_code();
        }
        return code;
      }
  } catch (const Interrupted&) {
    std::cerr << "steppe: interrupted; nothing was written\n";
    return interrupted_exit_code();
  } catch (const steppe::InputError& error) {
    std::cerr << error.what() << "\n";
    return 2;
  } catch (const std::bad_alloc&) {
    std::cerr << "steppe: error: out of memory; nothing was written (use fewer members, or a machine with more "
                 "memory: --estimate shows what a run needs)\n";
    return 1;
  } catch (const std::exception& error) {
    std::cerr << "steppe: error: " << error.what() << "\n";
    return 1;
  }
  return 2;
}
