// deterrence: the template model. Two rivals arm against each other while a guarantor's
// commitment to the status quo, backed by its presence, damps their reaction; tension rises with
// their arms and with the guarantor's presence, a summit cools it, and in stochastic runs border
// incidents strike more often the higher it is.
//
// It is small on purpose: docs/writing-a-model.md builds it step by step, and a new model starts
// as a copy of this folder. Files: this header (the model class, its event kinds and its random
// draws), declaration.cpp (the one declaration table) and kernel.cpp (the monthly step in plain
// Eigen over a block of members), with example.yaml beside them and its tests in
// tests/models/test_deterrence.cpp.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/model.hpp"

namespace steppe::deterrence {

// The model's event kinds, as indices into its declaration's event_kinds (ModelEventFiring::kind).
enum EventKind : int { summit = 0 };

// The draw numbers the kernel passes to uniform_draw: one per random decision a member makes in
// a month. Kernels keep theirs below 2^31; the engine draws from the numbers above.
enum Draw : std::uint32_t { incident_draw = 0 };

class DeterrenceModel : public Model {
 public:
  DeterrenceModel();
  const ModelDeclaration& declaration() const override { return declaration_; }
  std::unique_ptr<Kernel> compile(const Layout& layout, const std::vector<double>& parameters,
                                  const Network* network) const override;

 private:
  ModelDeclaration declaration_;
};

}  // namespace steppe::deterrence
