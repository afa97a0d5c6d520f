// Fuzz target: `--set NAME=VALUE` (docs/cli.md), as `steppe validate FILE --set ...` takes it:
// each line of the input is one --set argument (parse_override), and the overrides are applied
// over a shipped scenario or sweep file (app::validate), which checks names and values. A first
// line `@NAME` picks the file (below; default baseline). Arguments the command line refuses
// before parsing (not UTF-8, or with a NUL byte, which argv cannot hold) end the input.
// Seeds: corpus/set/.
#include <map>
#include <string>
#include <string_view>

#include "app/what_if.hpp"
#include "engine/text.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

const std::map<std::string, std::string, std::less<>> files = {
    {"baseline", "scenarios/baseline.yaml"},
    {"regional_partners", "scenarios/regional_partners.yaml"},
    {"affront_2016", "scenarios/affront_2016.yaml"},
    {"world", "examples/classroom/world.yaml"},
    {"flagship_sobol", "examples/sweeps/flagship_sobol.yaml"},
    {"policies", "examples/sweeps/policies.yaml"},
    {"ishigami", "examples/sweeps/ishigami.yaml"},
    {"deterrence", "models/deterrence/example.yaml"},
    {"richardson", "models/richardson/example.yaml"},
    {"sobol_g", "models/sobol_g/example.yaml"},
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (text.find('\0') != std::string_view::npos || steppe::first_invalid_utf8(text)) return 0;
  std::string file = "scenarios/baseline.yaml";
  steppe::LoadOptions options;
  bool first = true;
  return steppe::fuzz::expect_input_errors([&] {
    while (!text.empty()) {
      const std::size_t end = std::min(text.find('\n'), text.size());
      const std::string line(text.substr(0, end));
      text.remove_prefix(std::min(end + 1, text.size()));
      if (first && line.starts_with('@')) {
        const auto chosen = files.find(std::string_view(line).substr(1));
        if (chosen == files.end()) return;
        file = chosen->second;
      } else {
        options.overrides.push_back(steppe::parse_override(line));
      }
      first = false;
    }
    steppe::app::validate((steppe::fuzz::source_dir() / file).string(), options);
  });
}
