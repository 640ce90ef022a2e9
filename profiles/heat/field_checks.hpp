#pragma once
// Collects FieldErrors for one parameter struct (used by spacecraft_errors and lab_errors).
#include <cmath>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "profiles/heat/field_error.hpp"
#include "profiles/number_format.hpp"

namespace ob::profiles {

class FieldChecks {
 public:
  explicit FieldChecks(std::string_view prefix) : prefix_(prefix) {}

  // Records "<prefix>.<field>" with "=<value>: <rule>" unless ok and finite.
  void require(bool ok, std::string_view field, double value, std::string_view rule) {
    if (ok && std::isfinite(value)) return;
    errors_.push_back({prefix_ + "." + std::string(field),
                       "=" + format_number(value) + ": " + std::string(rule)});
  }
  void positive(std::string_view field, double value) {
    require(value > 0, field, value, "must be > 0");
  }
  void non_negative(std::string_view field, double value) {
    require(value >= 0, field, value, "must be >= 0");
  }
  void finite(std::string_view field, double value) {
    require(true, field, value, "must be finite");
  }
  // Closed interval [low, high].
  void within(std::string_view field, double value, double low, double high) {
    require(value >= low && value <= high, field, value,
            "must be in [" + format_number(low) + ", " + format_number(high) + "]");
  }
  // Half-open interval (low, high].
  void above_up_to(std::string_view field, double value, double low, double high) {
    require(value > low && value <= high, field, value,
            "must be in (" + format_number(low) + ", " + format_number(high) + "]");
  }
  // low_field must not exceed high_field (reported on low_field).
  void ordered(std::string_view low_field, double low, std::string_view high_field, double high) {
    require(low <= high, low_field, low,
            "must not exceed " + prefix_ + "." + std::string(high_field) + "=" +
                format_number(high));
  }

  std::vector<FieldError> take() { return std::move(errors_); }

 private:
  std::string prefix_;
  std::vector<FieldError> errors_;
};

}  // namespace ob::profiles
