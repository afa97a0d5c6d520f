#include "engine/analysis/resampling.hpp"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>

#include "engine/random.hpp"

namespace steppe {

void bootstrap_rows(std::uint64_t seed, StreamTag stream, int resample, std::size_t n, std::vector<std::size_t>& rows) {
  rows.resize(n);
  for (std::size_t draw = 0; draw < n; ++draw)
    rows[draw] =
        std::min(n - 1, static_cast<std::size_t>(uniform_draw(seed, static_cast<std::uint64_t>(resample),
                                                              tag_month(stream), static_cast<std::uint32_t>(draw)) *
                                                 static_cast<double>(n)));
}

double two_sided_z(double level) {
  return boost::math::quantile(boost::math::normal_distribution<double>(0, 1), 0.5 + level / 2);
}

double bootstrap_half_width(const std::vector<double>& estimates, double level) {
  double sum = 0, squares = 0;
  int count = 0;
  for (double value : estimates)
    if (std::isfinite(value)) {
      sum += value;
      ++count;
    }
  if (count < 2) return 0;
  const double mean = sum / count;
  for (double value : estimates)
    if (std::isfinite(value)) squares += (value - mean) * (value - mean);
  return two_sided_z(level) * std::sqrt(squares / (count - 1));
}

}  // namespace steppe
