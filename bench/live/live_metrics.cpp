// LiveModel::metrics_text: Prometheus' text exposition format 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/), names as its conventions ask:
// base units (seconds, watts, celsius), `_total` on counters, a `_info` gauge for labels.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>

#include "bench/live/live_model.hpp"

namespace ob::bench::live {
namespace {

// A label value: backslash, double quote and line feed escaped, as the format requires.
std::string label_value(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char text[400];
  // Shortest text that reads back the same; plain decimals where they are short (1755000000, 0.0005).
  const double magnitude = std::fabs(value);
  const bool plain = magnitude == 0 || (magnitude >= 1e-6 && magnitude < 1e15);
  const auto end = std::to_chars(text, text + sizeof text, value, plain ? std::chars_format::fixed : std::chars_format::general).ptr;
  return std::string(text, end);
}

void header(std::string& out, const char* name, const char* type, const char* help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void line(std::string& out, const std::string& name, const std::string& labels, double value) {
  out += name;
  if (!labels.empty()) out += "{" + labels + "}";
  out += ' ';
  out += number(value);
  out += '\n';
}

}  // namespace

std::string LiveModel::metrics_text() const {
  const std::lock_guard lock(mutex_);
  std::string out;
  header(out, "orbitbench_campaign_info", "gauge", "The campaign being served (1), its station, phase and state as labels.");
  line(out, "orbitbench_campaign_info",
       "campaign=\"" + label_value(campaign_) + "\",station=\"" + label_value(station_) + "\",phase=\"" +
           label_value(status_.phase) + "\",state=\"" + label_value(status_.state) + "\"",
       1);
  header(out, "orbitbench_campaign_orbit", "gauge", "The orbit being replayed, 1-based (0 outside replays).");
  line(out, "orbitbench_campaign_orbit", "", status_.orbit);
  header(out, "orbitbench_campaign_profile_seconds", "gauge", "Profile time since the campaign began.");
  line(out, "orbitbench_campaign_profile_seconds", "", status_.campaign_t_s);
  header(out, "orbitbench_campaign_eclipse", "gauge", "1 while the replayed orbit is in eclipse, else 0.");
  line(out, "orbitbench_campaign_eclipse", "", status_.condition == "eclipse" ? 1 : 0);
  header(out, "orbitbench_campaign_clock_held", "gauge", "1 while an operator holds the profile clock.");
  line(out, "orbitbench_campaign_clock_held", "", clock_held_ ? 1 : 0);
  header(out, "orbitbench_campaign_prompt_pending", "gauge", "1 while the campaign waits for an operator's answer.");
  line(out, "orbitbench_campaign_prompt_pending", "", prompt_ ? 1 : 0);
  if (status_.eta_s) {
    header(out, "orbitbench_campaign_remaining_seconds", "gauge", "Wall seconds to the campaign's planned end.");
    line(out, "orbitbench_campaign_remaining_seconds", "", *status_.eta_s);
  }

  struct BoardGauge {
    const char* name;
    const char* help;
    double BoardNow::*value;
  };
  static constexpr BoardGauge kBoardGauges[] = {
      {"orbitbench_board_tflops", "Each board's measured throughput, TFLOP/s.", &BoardNow::tflops},
      {"orbitbench_board_power_watts", "Each board's power draw as its own telemetry reports it.", &BoardNow::power_w},
      {"orbitbench_board_temperature_celsius", "Each board's GPU temperature.", &BoardNow::temp_c},
      {"orbitbench_board_sm_clock_hertz", "Each board's SM clock.", &BoardNow::sm_clock_mhz},
  };
  for (const auto& gauge : kBoardGauges) {
    header(out, gauge.name, "gauge", gauge.help);
    for (const auto& board : status_.boards) {
      if (!board.seen) continue;
      const double scale = gauge.value == &BoardNow::sm_clock_mhz ? 1e6 : 1.0;
      line(out, gauge.name, "board=\"" + label_value(board.name) + "\"", board.*(gauge.value) * scale);
    }
  }
  header(out, "orbitbench_board_isolated", "gauge", "1 once a board has been taken out of the campaign.");
  for (const auto& board : status_.boards) {
    line(out, "orbitbench_board_isolated", "board=\"" + label_value(board.name) + "\"", board.isolated ? 1 : 0);
  }

  if (status_.chamber_air_c) {
    header(out, "orbitbench_chamber_air_celsius", "gauge", "The chamber's air temperature as it reads it back.");
    line(out, "orbitbench_chamber_air_celsius", "", *status_.chamber_air_c);
  }
  if (status_.chamber_setpoint_c) {
    header(out, "orbitbench_chamber_setpoint_celsius", "gauge", "The setpoint sent to the chamber.");
    line(out, "orbitbench_chamber_setpoint_celsius", "", *status_.chamber_setpoint_c);
  }
  if (status_.chamber_target_c) {
    header(out, "orbitbench_chamber_target_celsius", "gauge", "What the orbit asks of the chamber air.");
    line(out, "orbitbench_chamber_target_celsius", "", *status_.chamber_target_c);
  }
  if (status_.chamber_air_c && status_.chamber_target_c) {
    header(out, "orbitbench_chamber_tracking_error_kelvin", "gauge", "Chamber air minus the orbit's target.");
    line(out, "orbitbench_chamber_tracking_error_kelvin", "", *status_.chamber_air_c - *status_.chamber_target_c);
  }

  header(out, "orbitbench_events_total", "counter", "Events recorded, by kind and severity.");
  for (const auto& [kind, count] : events_by_kind_) {
    line(out, "orbitbench_events_total", "kind=\"" + label_value(kind) + "\"", static_cast<double>(count));
  }
  header(out, "orbitbench_faults_total", "counter", "Events of warning or error severity (faults, trips, alarms).");
  std::uint64_t faults = 0;
  for (const auto& [severity, count] : events_by_severity_) {
    if (severity == "warning" || severity == "error") faults += count;
  }
  line(out, "orbitbench_faults_total", "", static_cast<double>(faults));
  header(out, "orbitbench_verdicts", "gauge", "Judgements so far, by outcome.");
  std::size_t passed = 0;
  for (const auto& verdict : verdicts_) passed += verdict.verdict == "pass" ? 1 : 0;
  line(out, "orbitbench_verdicts", "verdict=\"pass\"", static_cast<double>(passed));
  line(out, "orbitbench_verdicts", "verdict=\"fail\"", static_cast<double>(verdicts_.size() - passed));

  header(out, "orbitbench_tick_lateness_seconds", "histogram",
         "How late each instrument loop's tick woke against its schedule.");
  const auto& bounds = tick_lateness_bounds_s();
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    cumulative += lateness_buckets_[i];
    line(out, "orbitbench_tick_lateness_seconds_bucket", "le=\"" + number(bounds[i]) + "\"", static_cast<double>(cumulative));
  }
  line(out, "orbitbench_tick_lateness_seconds_bucket", "le=\"+Inf\"", static_cast<double>(lateness_count_));
  line(out, "orbitbench_tick_lateness_seconds_sum", "", lateness_sum_s_);
  line(out, "orbitbench_tick_lateness_seconds_count", "", static_cast<double>(lateness_count_));
  return out;
}

}  // namespace ob::bench::live
