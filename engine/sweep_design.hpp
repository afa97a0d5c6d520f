// A sweep's sampling design as one self-contained unit (docs/sweeps.md, "Adding a design"): its
// name and help, the `sweep:` keys it reads and their checks, its point count and its points, the
// roles its points carry and the analysis its sweeps get. Each design registers itself by name
// from its own file in engine/designs/ (a static SweepDesignRegistration), as models do; the
// loader, the database, the sweep and the analyses ask the registry and list no design.
//
// The points themselves are the pure functions of engine/designs.hpp: a design file says which
// one it runs with which settings. Reading keys goes through DesignKeys, which the sweep loader
// implements, so that a design reports a bad value at its file:line:column without the core
// knowing YAML.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/designs.hpp"
#include "engine/scenario.hpp"

namespace steppe {

class SweepDesign;

// The settings a sweep file gives its design. The fields are shared by the designs (several read
// `samples` or `levels`), and the database stores every one of them whatever the design.
struct SweepSettings {
  const SweepDesign* design = nullptr;  // from the registry; never null in a loaded sweep
  int samples = 0;            // Sobol: base points N (a power of two); LHS, Monte Carlo, Sobol sequence: points
  bool second_order = false;  // Sobol: also the BA_i blocks, for second-order indices
  int levels = 0;             // Morris: grid levels (even); grid: levels of each non-list factor
  int trajectories = 0;       // Morris
  int replicates = 1;         // runs per design point
};

// What `steppe analyze` computes from a sweep of the design (without policies, which get the
// robustness table whatever the design).
enum class DesignAnalysis {
  sobol_indices,       // S1, ST (S2) from Saltelli's blocks
  elementary_effects,  // Morris's μ*, μ, σ from its trajectories
  given_data,          // RBD-FAST, SRC, PRCC, PAWN from any sample of independent points
};

// The `sweep:` keys of one sweep file as the loader hands them to a design. Every read checks the
// value's type and range and reports a mistake at its place (file:line:column and key path).
class DesignKeys {
 public:
  virtual ~DesignKeys() = default;
  virtual bool has(const std::string& key) const = 0;
  // A whole number within [min, max]; a missing key is an error at the sweep section.
  virtual std::uint64_t whole_number(const std::string& key, std::uint64_t min, std::uint64_t max) const = 0;
  virtual bool boolean(const std::string& key) const = 0;
  // Rejects the value of `key`, which was read, with `message`.
  [[noreturn]] virtual void fail(const std::string& key, const std::string& message) const = 0;
};

struct DesignDeclaration {
  std::string name;               // as written after `design:`
  std::string help;               // one line: what the design is for
  std::vector<std::string> keys;  // the `sweep:` keys it reads, in the order messages list them
  std::vector<Block> roles;       // the roles its points carry (stored in the design table)
  DesignAnalysis analysis = DesignAnalysis::given_data;
};

class SweepDesign {
 public:
  virtual ~SweepDesign() = default;
  virtual const DesignDeclaration& declaration() const = 0;
  const std::string& name() const { return declaration().name; }
  // Points that are independent samples of the factors (every role a plain point): the scenarios
  // policies can be run against, and what the given-data measures need.
  bool independent_points() const;

  // Reads and checks the design's keys (declaration().keys) into `settings`; the loader has
  // rejected every other key already.
  virtual void read(const DesignKeys& keys, SweepSettings& settings) const = 0;
  // How many points the design has for these factors, without making them (capped far beyond
  // any sweep, so that the loader can refuse a design too large without overflowing).
  virtual std::uint64_t point_count(const SweepSettings& settings, const std::vector<Uncertainty>& factors) const = 0;
  // The points, a pure function of the settings, the factors and the seed.
  virtual std::vector<DesignPoint> points(const SweepSettings& settings, const std::vector<Uncertainty>& factors,
                                          std::uint64_t seed) const = 0;
};

// A design of `samples` independent points made by one of engine/designs.hpp's samplers (Monte
// Carlo, Latin hypercube): its file names it, says what it is for and which sampler it runs.
class SampledDesign : public SweepDesign {
 public:
  using Sampler = std::vector<DesignPoint> (*)(int samples, int factors, std::uint64_t seed);
  SampledDesign(std::string name, std::string help, Sampler sampler)
      : declaration_{std::move(name), std::move(help), {"samples"}, {Block::point}, DesignAnalysis::given_data},
        sampler_(sampler) {}
  const DesignDeclaration& declaration() const override { return declaration_; }
  void read(const DesignKeys& keys, SweepSettings& settings) const override;
  std::uint64_t point_count(const SweepSettings& settings, const std::vector<Uncertainty>& factors) const override;
  std::vector<DesignPoint> points(const SweepSettings& settings, const std::vector<Uncertainty>& factors,
                                  std::uint64_t seed) const override;

 private:
  DesignDeclaration declaration_;
  Sampler sampler_;
};

// The designs by name. A design registers itself from its own file; nothing else names it.
class SweepDesignRegistry {
 public:
  static SweepDesignRegistry& instance();
  void add(std::unique_ptr<SweepDesign> design);
  const SweepDesign* find(const std::string& name) const;  // null when absent
  std::vector<std::string> names() const;                  // in alphabetical order
  std::vector<const SweepDesign*> designs() const;         // in the order of their names

 private:
  std::map<std::string, std::unique_ptr<SweepDesign>> designs_;
};

template <typename DesignType>
struct SweepDesignRegistration {
  SweepDesignRegistration() { SweepDesignRegistry::instance().add(std::make_unique<DesignType>()); }
};

}  // namespace steppe
