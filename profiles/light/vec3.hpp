#pragma once
// A plain 3-vector for the light models (Sun, shadow, beta angle). Units are the caller's:
// positions in km, velocities in km/s, directions dimensionless; the frame is stated where a
// vector is produced (TEME unless a name says otherwise).
#include <array>
#include <cmath>

namespace ob::profiles {

struct Vec3 {
  double x = 0.0;
  double y = 0.0;
  double z = 0.0;

  friend constexpr bool operator==(const Vec3&, const Vec3&) = default;
};

constexpr Vec3 operator+(const Vec3& a, const Vec3& b) { return {a.x + b.x, a.y + b.y, a.z + b.z}; }
constexpr Vec3 operator-(const Vec3& a, const Vec3& b) { return {a.x - b.x, a.y - b.y, a.z - b.z}; }
constexpr Vec3 operator-(const Vec3& a) { return {-a.x, -a.y, -a.z}; }
constexpr Vec3 operator*(double s, const Vec3& a) { return {s * a.x, s * a.y, s * a.z}; }
constexpr Vec3 operator*(const Vec3& a, double s) { return s * a; }

constexpr double dot(const Vec3& a, const Vec3& b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
constexpr Vec3 cross(const Vec3& a, const Vec3& b) {
  return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}
inline double norm(const Vec3& a) { return std::sqrt(dot(a, a)); }
// a/|a|; a zero vector stays zero (callers that can meet one check norm() first).
inline Vec3 unit(const Vec3& a) {
  const double length = norm(a);
  return length > 0.0 ? (1.0 / length) * a : a;
}
// Angle between two non-zero vectors in [0, π]; atan2 keeps it accurate near 0 and π, where
// acos of a dot product loses half its digits (the penumbra lives at such small angles).
inline double angle_between_rad(const Vec3& a, const Vec3& b) {
  return std::atan2(norm(cross(a, b)), dot(a, b));
}

// Interop with code that carries vectors as std::array (e.g. an SGP4 state).
constexpr Vec3 to_vec3(const std::array<double, 3>& a) { return {a[0], a[1], a[2]}; }
constexpr std::array<double, 3> to_array(const Vec3& a) { return {a.x, a.y, a.z}; }

}  // namespace ob::profiles
