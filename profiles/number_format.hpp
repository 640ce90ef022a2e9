#pragma once
// Numbers in names, sources and error messages: shortest readable form ("550", "97.98").
#include <string>

namespace ob::profiles {

std::string format_number(double value);

}  // namespace ob::profiles
