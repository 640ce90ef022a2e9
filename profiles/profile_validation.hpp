#pragma once
// Input checks for profile building: every failure is a ProfileError whose message names the
// field (as "<struct>.<member>") and the offending value.

namespace ob::profiles {

struct CircularOrbit;
struct Spacecraft;
struct LabMapping;
struct ProfileOptions;

void validate_orbit(const CircularOrbit& orbit);
void validate_spacecraft(const Spacecraft& craft);
void validate_lab(const LabMapping& lab);
// Needs a valid orbit (the step is checked against its period).
void validate_options(const ProfileOptions& options, const CircularOrbit& orbit);

}  // namespace ob::profiles
