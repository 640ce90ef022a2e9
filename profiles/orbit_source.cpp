#include "profiles/orbit_source.hpp"

#include <cctype>

#include "profiles/orbit/elements.hpp"
#include "profiles/orbit/presets.hpp"
#include "profiles/orbit/tle.hpp"

namespace ob::profiles {
namespace {

std::string file_safe(const std::string& text) {
  std::string out;
  for (char c : text) {
    const bool keep = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    out += keep ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : '-';
  }
  while (out.find("--") != std::string::npos) out.erase(out.find("--"), 1);
  while (!out.empty() && out.back() == '-') out.pop_back();
  while (!out.empty() && out.front() == '-') out.erase(0, 1);
  return out.empty() ? "orbit" : out;
}

orbit::Sgp4 must(std::expected<orbit::Sgp4, orbit::Sgp4Error> propagator, const std::string& what) {
  if (!propagator) {
    throw OrbitSourceError(what + ": SGP4 cannot use these elements: " + std::string(orbit::describe(propagator.error())));
  }
  return *propagator;
}

ResolvedOrbit from_elements(orbit::OrbitElements elements, const std::string& description,
                            const std::string& name, const OrbitSource& source) {
  if (source.epoch) elements.epoch = *source.epoch;
  ResolvedOrbit out{must(orbit::sgp4_from_elements(elements), description), elements.epoch, description, name, {}};
  out.inputs.set_orbit_kind(source.kind == OrbitSource::Kind::preset ? "preset" : "elements");
  out.inputs.set_elements_spec(orbit::format_elements_spec(elements));
  out.inputs.set_preset(source.preset);
  return out;
}

}  // namespace

ResolvedOrbit resolve_orbit(const OrbitSource& source) {
  switch (source.kind) {
    case OrbitSource::Kind::tle: {
      const auto tles = orbit::read_tle_file(source.tle_path);
      const auto& tle = orbit::select_tle(tles, source.tle_selector, source.tle_path);
      const std::string description = "tle " + source.tle_path + ": " + tle.label();
      ResolvedOrbit out{must(orbit::Sgp4::from_tle(tle), description), tle.epoch, description,
                        file_safe(tle.name.empty() ? tle.catalog_text : tle.name), {}};
      out.inputs.set_orbit_kind("tle");
      out.inputs.set_tle_name(tle.name);
      out.inputs.set_tle_line1(tle.line1);
      out.inputs.set_tle_line2(tle.line2);
      return out;
    }
    case OrbitSource::Kind::elements:
      return from_elements(orbit::parse_elements_spec(source.elements_spec), "elements " + source.elements_spec,
                           "elements", source);
    case OrbitSource::Kind::preset: {
      const auto preset = orbit::find_orbit_preset(source.preset);
      if (!preset) {
        std::string names;
        for (const auto& name : orbit::orbit_preset_names()) names += (names.empty() ? "" : ", ") + name;
        throw OrbitSourceError("unknown orbit preset '" + source.preset + "' (known: " + names + ")");
      }
      return from_elements(preset->elements, "preset " + std::string(preset->name), std::string(preset->name), source);
    }
  }
  throw OrbitSourceError("unknown orbit source");
}

}  // namespace ob::profiles
