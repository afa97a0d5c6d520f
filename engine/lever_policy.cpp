#include "engine/lever_policy.hpp"

#include <cassert>

namespace steppe {

LeverColumns::LeverColumns(Eigen::Index members, std::vector<std::vector<char>> controls)
    : controls_(std::move(controls)) {
  const std::size_t slots = controls_.empty() ? 0 : controls_.front().size();
  values_.resize(members, static_cast<Eigen::Index>(slots));
  columns_.assign(slots, {Column::mixed, 0, -1});
  writers_.assign(slots, nobody);
  promises_.assign(slots, {});
  held_.assign(slots, std::nullopt);
  quiet_.assign(controls_.size(), {});
}

void LeverColumns::set_all(int slot, double value, int through) {
  write(slot, {Column::uniform, value, -1}, {month_, through}, [&](auto column) { column.setConstant(value); });
}

void LeverColumns::set_to_input(int slot, const MemberArrays& inputs, Eigen::Index input) {
  write(slot, {Column::input, 0, input}, {month_, INT_MAX}, [&](auto column) { column = inputs.col(input); });
}

MonthRange LeverColumns::settled_months(int slot) const {
  const auto index = static_cast<std::size_t>(slot);
  if (writers_[index] < static_cast<int>(current_)) return {};  // an earlier policy, a team or no one
  return promises_[index];
}

void LeverColumns::take_over(int slot, const Column& content, MonthRange months) {
  const auto index = static_cast<std::size_t>(slot);
  assert(controls_[current_][index] && "a lever policy wrote a lever it does not control");
  if (writers_[index] != static_cast<int>(current_)) unsettle(writers_[index]);
  columns_[index] = content;
  writers_[index] = static_cast<int>(current_);
  promises_[index] = months;
}

void LeverColumns::hold(int slot, std::optional<double> value) {
  held_.at(static_cast<std::size_t>(slot)) = value;
  holds_changed_ = true;
}

void LeverColumns::restore(const std::vector<std::optional<double>>& holds) {
  held_ = holds;
  holds_changed_ = true;
  for (MonthRange& quiet : quiet_) quiet = {};
}

void LeverColumns::begin_month(int month) {
  month_ = month;
  if (!holds_changed_) return;
  holds_changed_ = false;
  for (std::size_t slot = 0; slot < held_.size(); ++slot) {
    if (held_[slot]) {
      const Column content{Column::uniform, *held_[slot], -1};
      // Its policies need not know: they write nothing into it while it is held, and are
      // called again when it is let go.
      if (!columns_[slot].holds(content)) values_.col(static_cast<Eigen::Index>(slot)).setConstant(*held_[slot]);
      columns_[slot] = content;
      writers_[slot] = wargame;
    } else if (writers_[slot] == wargame) {
      // Let go: whoever controls the lever writes it again, whatever it promised before.
      for (std::size_t policy = 0; policy < controls_.size(); ++policy)
        if (controls_[policy][slot]) unsettle(static_cast<int>(policy));
      writers_[slot] = nobody;
    }
  }
}

bool LeverColumns::due(std::size_t policy) const { return !quiet_[policy].contains(month_); }

void LeverColumns::begin(std::size_t policy) {
  current_ = policy;
  quiet_[policy] = {};
}

}  // namespace steppe
