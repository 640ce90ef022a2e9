#include "profiles/heat/field_error.hpp"

namespace ob::profiles {

std::string join_errors(const std::vector<FieldError>& errors) {
  std::string text;
  for (const FieldError& error : errors) {
    if (!text.empty()) text += "; ";
    text += error.field + error.message;
  }
  return text;
}

}  // namespace ob::profiles
