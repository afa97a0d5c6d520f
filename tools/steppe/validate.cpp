// `steppe validate`: check scenarios without running them (app::validate); every bad file is
// reported, and the exit code is 2 if any was.
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "tools/steppe/command_registry.hpp"
#include "tools/steppe/commands.hpp"

namespace steppe::cli {

namespace {

int validate_command(const ValidateOptions& options) {
  int status = 0;
  for (const std::string& file : options.scenarios) {
    try {
      const auto scenario = app::validate(file, options.scenario_options.load_options());
      if (!options.quiet)
        std::cout << fmt::format("{}: ok ({}, {} actors, {} months from {})\n", file, scenario->model_name,
                                 scenario->layout->actors().size(), scenario->months, scenario->start.to_string());
    } catch (const InputError& error) {
      std::cerr << error.what() << "\n";
      status = 2;
    }
  }
  return status;
}

const CommandRegistration validate_registration(40, [](CLI::App& app) {
  auto options = std::make_shared<ValidateOptions>();
  ValidateOptions& validate = *options;
  auto* validate_app = app.add_subcommand("validate", "Check scenarios without running them");
  validate_app->add_option("scenarios", validate.scenarios, "Scenario YAML files")->required();
  add_scenario_options(*validate_app, validate.scenario_options);
  validate_app->add_flag("--quiet,-q", validate.quiet, "Print nothing but errors");
  return Command{validate_app, [options](const std::string&) { return validate_command(*options); }};
});

}  // namespace

}  // namespace steppe::cli
