// CSV export: header, one row per grid point, values that parse back.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "profiles/orbit_profile.hpp"

namespace prof = ob::profiles;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<double> cells_of(const std::string& line) {
  std::vector<double> cells;
  std::istringstream in(line);
  for (std::string cell; std::getline(in, cell, ',');) cells.push_back(std::strtod(cell.c_str(), nullptr));
  return cells;
}

}  // namespace

BOOST_AUTO_TEST_CASE(header_and_row_count) {
  const prof::pb::Profile profile = prof::build_circular_profile({}, {}, {}, {});
  const std::string csv = prof::to_csv(profile);
  BOOST_TEST(csv.back() == '\n');
  const std::vector<std::string> lines = lines_of(csv);
  BOOST_REQUIRE(!lines.empty());
  BOOST_TEST(lines.front() ==
             "t_s,illumination[1],power_budget_w[W],radiator_temp_c[degC],board_temp_c[degC],"
             "chamber_setpoint_c[degC],gpu_power_cap_w[W],psu_current_limit_a[A]");
  BOOST_TEST(lines.size() == static_cast<std::size_t>(profile.t_s_size()) + 1);
  BOOST_TEST(lines[1].rfind("0,1,700,", 0) == 0);
}

BOOST_AUTO_TEST_CASE(values_round_trip) {
  const prof::pb::Profile profile = prof::build_circular_profile({}, {}, {}, {});
  const std::vector<std::string> lines = lines_of(prof::to_csv(profile));
  constexpr double kRelativeTolerance = 1e-8;
  for (int k = 0; k < profile.t_s_size(); ++k) {
    const std::vector<double> cells = cells_of(lines[static_cast<std::size_t>(k) + 1]);
    BOOST_REQUIRE(cells.size() == static_cast<std::size_t>(profile.series_size()) + 1);
    BOOST_TEST(cells[0] == profile.t_s(k));
    for (int s = 0; s < profile.series_size(); ++s) {
      const double stored = profile.series(s).value(k);
      BOOST_TEST(std::abs(cells[static_cast<std::size_t>(s) + 1] - stored) <=
                 kRelativeTolerance * std::max(1.0, std::abs(stored)));
    }
  }
}

BOOST_AUTO_TEST_CASE(hand_made_profile) {
  prof::pb::Profile profile;
  profile.set_step_s(0.5);
  profile.add_t_s(0);
  profile.add_t_s(0.5);
  auto* s = profile.add_series();
  s->set_name("x");
  s->set_unit("W");
  s->add_value(1.25);
  s->add_value(-3e-7);
  BOOST_TEST(prof::to_csv(profile) == "t_s,x[W]\n0,1.25\n0.5,-3e-07\n");
  s->add_value(1);  // now longer than t_s
  BOOST_CHECK_THROW(prof::to_csv(profile), prof::ProfileError);
}
