// deterrence: the template model. Two rivals arm against each other while a guarantor's
// commitment to the status quo, backed by its presence, damps their reaction; tension rises with
// their arms and with the guarantor's presence, a summit cools it, and in stochastic runs border
// incidents strike more often the higher it is.
//
// It is small on purpose: docs/writing-a-model.md builds it step by step, and a new model starts
// as a copy of this folder. Files: this header (the model class and its event kinds),
// declaration.cpp (the one declaration table) and kernel.cpp (the monthly step in plain
// Eigen over a block of members), with example.yaml beside them and its tests in
// tests/models/test_deterrence.cpp.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/model.hpp"

namespace steppe::deterrence {

// The model's event kinds, as indices into its declaration's event_kinds (ModelEventFiring::kind).
enum EventKind : int { summit = 0 };

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
