#include <cmath>
#include <string>

#include "profiles/orbit_profile.hpp"
#include "profiles/time_grid.hpp"

namespace ob::profiles {

SeriesCursor::SeriesCursor(const pb::Profile& profile, std::string_view series_name)
    : profile_(&profile), series_(nullptr) {
  for (const pb::Series& candidate : profile.series()) {
    if (candidate.name() == series_name) {
      series_ = &candidate;
      break;
    }
  }
  if (series_ == nullptr) {
    std::string known;
    for (const pb::Series& candidate : profile.series()) {
      known += (known.empty() ? "" : ", ") + candidate.name();
    }
    throw ProfileError("profile " + profile.name() + " has no series \"" +
                       std::string(series_name) + "\" (it has: " + known + ")");
  }
  if (series_->value_size() == 0 || series_->value_size() != profile.t_s_size()) {
    throw ProfileError("series " + series_->name() + " has " +
                       std::to_string(series_->value_size()) + " values for " +
                       std::to_string(profile.t_s_size()) + " time points");
  }
  if (!(profile.step_s() > 0)) {
    throw ProfileError("profile " + profile.name() + " has step_s=" +
                       std::to_string(profile.step_s()) + ", a cursor needs step_s > 0");
  }
  unit_ = series_->unit();
}

double SeriesCursor::at(double t_s) const {
  if (std::isnan(t_s)) throw ProfileError("SeriesCursor::at(NaN) on series " + series_->name());
  // Step-hold on the uniform grid t_k = k·step: index = floor(t/step), clamped to the grid.
  const double last = static_cast<double>(series_->value_size() - 1);
  const double index = std::floor(t_s / profile_->step_s() + kGridToleranceSteps);
  const double clamped = index < 0 ? 0 : (index > last ? last : index);
  return series_->value(static_cast<int>(clamped));
}

}  // namespace ob::profiles
