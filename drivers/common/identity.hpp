#pragma once
#include <string>

namespace ob::drivers {

// What an instrument or board says it is; recorded in the devices table.
struct Identity {
  std::string vendor;
  std::string model;
  std::string serial;
  std::string firmware;
};

}  // namespace ob::drivers
