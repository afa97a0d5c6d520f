#include "engine/model.hpp"

#include <stdexcept>

namespace steppe {

namespace {

double actor_default(const ActorDefaults& by_actor, const std::string& actor, double fallback) {
  const auto it = by_actor.find(actor);
  return it == by_actor.end() ? fallback : it->second;
}

template <typename Map>
std::vector<std::string> keys_in_slot_order(const Map& by_name, std::size_t count) {
  std::vector<std::string> names(count);
  for (const auto& [name, index] : by_name) names[index] = name;
  return names;
}

}  // namespace

const RoleDecl* ModelDeclaration::find_role(const std::string& role_name) const {
  for (const auto& role : roles)
    if (role.name == role_name) return &role;
  return nullptr;
}

const VariableDecl* ModelDeclaration::find_variable(const std::string& variable_name) const {
  for (const auto& variable : variables)
    if (variable.name == variable_name) return &variable;
  return nullptr;
}

const RandomEventDecl* ModelDeclaration::find_random_event(const std::string& event_name) const {
  for (const auto& event : random_events)
    if (event.name == event_name) return &event;
  return nullptr;
}

std::string per_text(const VariableDecl& variable) {
  switch (variable.per) {
    case Per::owner:
      return "";
    case Per::lever:
      return "lever";
    case Per::actor:
      return variable.per_role;
  }
  throw std::logic_error("unknown Per");
}

std::string per_text(const DerivedDecl& derived) { return derived.per == Per::actor ? derived.per_role : ""; }

Layout::Layout(const ModelDeclaration& declaration, std::vector<Actor> actors)
    : declaration_(&declaration), actors_(std::move(actors)) {
  auto actors_of = [&](const std::string& role) {
    std::vector<const Actor*> result;
    for (const auto& actor : actors_)
      if (actor.role == role) result.push_back(&actor);
    return result;
  };
  static const Actor system_actor{"system", "system"};

  // Levers first: per-lever state variables start at the lever's status quo.
  for (const auto& lever : declaration.levers)
    for (const Actor* actor : actors_of(lever.role)) {
      lever_by_name_[full_name(actor->name, lever.name)] = static_cast<int>(levers_.size());
      levers_.push_back({actor->name, &lever, actor_default(lever.actor_values, actor->name, lever.value)});
    }

  for (const auto& variable : declaration.variables) {
    const std::vector<const Actor*> owners =
        variable.role == "system" ? std::vector<const Actor*>{&system_actor} : actors_of(variable.role);
    for (const Actor* owner : owners) {
      auto add = [&](const std::string& name, double initial) {
        state_by_name_[full_name(owner->name, name)] = static_cast<int>(state_.size());
        state_.push_back({owner->name, name, &variable, initial});
      };
      const double initial = actor_default(variable.actor_initials, owner->name, variable.initial);
      switch (variable.per) {
        case Per::owner:
          add(variable.name, initial);
          break;
        case Per::lever:
          for (const auto& lever : declaration.levers)
            if (lever.role == owner->role && lever.realized_as == variable.name)
              add(variable.name + "." + lever.name, levers_[lever_index(owner->name, lever.name)].status_quo);
          break;
        case Per::actor:
          for (const Actor* other : actors_of(variable.per_role))
            add(variable.name + "." + other->name,
                actor_default(variable.actor_initials, other->name, variable.initial));
          break;
      }
    }
  }

  for (const auto& derived : declaration.derived) {
    const std::vector<const Actor*> owners =
        derived.role == "system" ? std::vector<const Actor*>{&system_actor} : actors_of(derived.role);
    for (const Actor* owner : owners) {
      auto add = [&](const std::string& name) {
        derived_by_name_[full_name(owner->name, name)] = static_cast<int>(derived_.size());
        derived_.push_back({owner->name, name, &derived});
      };
      if (derived.per == Per::actor) {
        for (const Actor* other : actors_of(derived.per_role)) add(derived.name + "." + other->name);
      } else {
        add(derived.name);
      }
    }
  }

  for (const auto& parameter : declaration.parameters) {
    if (parameter.role.empty()) {
      parameter_by_name_[parameter.name] = static_cast<int>(parameters_.size());
      parameters_.push_back({"", parameter.name, &parameter, parameter.value});
      continue;
    }
    for (const Actor* actor : actors_of(parameter.role)) {
      auto add = [&](const std::string& name) {
        parameter_by_name_[full_name(actor->name, name)] = static_cast<int>(parameters_.size());
        parameters_.push_back(
            {actor->name, name, &parameter, actor_default(parameter.actor_values, actor->name, parameter.value)});
      };
      if (parameter.per.empty()) {
        add(parameter.name);
      } else {
        for (const Actor* other : actors_of(parameter.per))
          if (other != actor) add(parameter.name + "." + other->name);
      }
    }
  }
}

std::vector<std::string> Layout::actors_with_role(const std::string& role) const {
  std::vector<std::string> names;
  for (const auto& actor : actors_)
    if (actor.role == role) names.push_back(actor.name);
  return names;
}

std::string Layout::role_of(const std::string& actor) const {
  for (const auto& candidate : actors_)
    if (candidate.name == actor) return candidate.role;
  return "";
}

int Layout::state_index(const std::string& actor, const std::string& variable) const {
  const auto it = state_by_name_.find(full_name(actor, variable));
  return it == state_by_name_.end() ? -1 : it->second;
}

int Layout::lever_index(const std::string& actor, const std::string& lever) const {
  const auto it = lever_by_name_.find(full_name(actor, lever));
  return it == lever_by_name_.end() ? -1 : it->second;
}

int Layout::derived_index(const std::string& actor, const std::string& derived) const {
  const auto it = derived_by_name_.find(full_name(actor, derived));
  return it == derived_by_name_.end() ? -1 : it->second;
}

int Layout::parameter_index(const std::string& actor, const std::string& parameter) const {
  const auto it = parameter_by_name_.find(full_name(actor, parameter));
  return it == parameter_by_name_.end() ? -1 : it->second;
}

std::vector<std::string> Layout::state_names() const {
  std::vector<std::string> names;
  for (std::size_t slot = 0; slot < state_.size(); ++slot)
    if (!state_[slot].decl->internal) names.push_back(state_name(static_cast<int>(slot)));
  return names;
}
std::vector<std::string> Layout::lever_names() const { return keys_in_slot_order(lever_by_name_, levers_.size()); }
std::vector<std::string> Layout::parameter_names() const {
  return keys_in_slot_order(parameter_by_name_, parameters_.size());
}

ModelRegistry& ModelRegistry::instance() {
  static ModelRegistry registry;
  return registry;
}

void ModelRegistry::add(std::unique_ptr<Model> model) {
  const std::string name = model->declaration().name;
  if (!models_.emplace(name, std::move(model)).second) throw std::logic_error("model registered twice: " + name);
}

const Model* ModelRegistry::find(const std::string& name) const {
  const auto it = models_.find(name);
  return it == models_.end() ? nullptr : it->second.get();
}

std::vector<std::string> ModelRegistry::names() const {
  std::vector<std::string> names;
  for (const auto& [name, model] : models_) names.push_back(name);
  return names;
}

}  // namespace steppe
