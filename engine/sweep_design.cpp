#include "engine/sweep_design.hpp"

#include <algorithm>
#include <stdexcept>

namespace steppe {

bool SweepDesign::independent_points() const {
  const std::vector<Block>& roles = declaration().roles;
  return std::all_of(roles.begin(), roles.end(), [](Block role) { return role == Block::point; });
}

SweepDesignRegistry& SweepDesignRegistry::instance() {
  static SweepDesignRegistry registry;
  return registry;
}

void SweepDesignRegistry::add(std::unique_ptr<SweepDesign> design) {
  const std::string name = design->name();
  if (!designs_.emplace(name, std::move(design)).second)
    throw std::logic_error("sweep design registered twice: " + name);
}

const SweepDesign* SweepDesignRegistry::find(const std::string& name) const {
  const auto it = designs_.find(name);
  return it == designs_.end() ? nullptr : it->second.get();
}

std::vector<std::string> SweepDesignRegistry::names() const {
  std::vector<std::string> names;
  for (const auto& [name, design] : designs_) names.push_back(name);
  return names;
}

std::vector<const SweepDesign*> SweepDesignRegistry::designs() const {
  std::vector<const SweepDesign*> designs;
  for (const auto& [name, design] : designs_) designs.push_back(design.get());
  return designs;
}

void SampledDesign::read(const DesignKeys& keys, SweepSettings& settings) const {
  settings.samples = static_cast<int>(keys.whole_number("samples", 1, 1 << 26));
}

std::uint64_t SampledDesign::point_count(const SweepSettings& settings, const std::vector<Uncertainty>&) const {
  return static_cast<std::uint64_t>(settings.samples);
}

std::vector<DesignPoint> SampledDesign::points(const SweepSettings& settings, const std::vector<Uncertainty>& factors,
                                               std::uint64_t seed) const {
  return sampler_(settings.samples, static_cast<int>(factors.size()), seed);
}

}  // namespace steppe
