#pragma once
// The kinds of bench instrument, one driver interface each (drivers/psu, drivers/chamber,
// drivers/iio). The GPU boards are reached through their agent (drivers/gpu), not a scheme.
#include <optional>
#include <string_view>

namespace ob::drivers {

enum class InstrumentKind { psu, chamber, sensors };  // sensors: an IIO context (libiio)

// "psu", "chamber", "sensors": the words a station's `kind:` takes.
std::string_view kind_name(InstrumentKind kind);
std::optional<InstrumentKind> parse_kind(std::string_view text);

}  // namespace ob::drivers
