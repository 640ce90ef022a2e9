#pragma once
// A problem with one parameter, named as the configuration file spells it ("spacecraft.<field>",
// "lab.<field>"), so that a loader can point at the file and line that set it.
#include <string>
#include <vector>

namespace ob::profiles {

struct FieldError {
  std::string field;    // "spacecraft.radiator_area_m2"
  std::string message;  // "= -1: must be > 0"
};

// "spacecraft.radiator_area_m2=-1: must be > 0; lab.speed=0: must be > 0"
std::string join_errors(const std::vector<FieldError>& errors);

}  // namespace ob::profiles
