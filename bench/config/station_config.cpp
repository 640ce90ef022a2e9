#include "bench/config/station_config.hpp"

#include <cstdint>
#include <filesystem>

#include "bench/board_channels.hpp"
#include "bench/config/config_schema.hpp"
#include "bench/config/yaml_reader.hpp"
#include "drivers/common/uri.hpp"
#include "drivers/iio/sensor.hpp"
#include "drivers/instrument_registry.hpp"

namespace ob::bench {
namespace {

// The kind of instrument a URI reaches: its scheme's, from the instrument registry
// (drivers/instrument_registry.cpp); `kind:` may say it too, and must then agree.
InstrumentKind kind_from(const YamlReader& reader, const YAML::Node& node, const std::string& field,
                         const std::string& uri_text, const std::optional<std::string>& kind_text) {
  std::optional<InstrumentKind> said;
  if (kind_text) {
    said = drivers::parse_kind(*kind_text);
    if (!said) reader.fail(node["kind"], field + ".kind", "'" + *kind_text + "' is not an instrument kind (psu, chamber, sensors)");
  }
  if (uri_text.starts_with("iio:")) {  // libiio's own URIs, which the generic parser does not take
    std::string why;
    if (!drivers::parse_iio_uri(uri_text, &why)) reader.fail(node["uri"], field + ".uri", why);
  } else {
    try {
      drivers::parse_uri(uri_text);
    } catch (const drivers::UriError& e) {
      reader.fail(node["uri"], field + ".uri", e.what());
    }
  }
  const std::string scheme = drivers::scheme_of(uri_text);
  if (scheme == "sim") {  // the simulated lab's names: psu, psu-e36312a, chamber, chamber-f4t, …
    if (said) return *said;
    const std::string name = drivers::parse_uri(uri_text).host;
    for (const auto kind : {InstrumentKind::psu, InstrumentKind::chamber, InstrumentKind::sensors}) {
      if (name.starts_with(drivers::kind_name(kind))) return kind;
    }
    reader.fail(node["uri"], field + ".uri",
                "cannot tell the instrument kind from '" + uri_text + "'; add kind: psu | chamber | sensors");
  }
  const auto* entry = drivers::find_scheme(scheme);
  if (entry == nullptr) {
    std::string known;
    for (const auto& info : drivers::instrument_schemes()) known += (known.empty() ? "" : ", ") + std::string(info.scheme);
    reader.fail(node["uri"], field + ".uri",
                "unknown scheme '" + scheme + "' in '" + uri_text + "' (orbitbench drives " + known + ", and sim://NAME)");
  }
  if (said && *said != entry->kind) {
    reader.fail(node["kind"], field + ".kind",
                std::string(drivers::kind_name(*said)) + " disagrees with the URI: " + std::string(entry->scheme) +
                    " reaches a " + std::string(drivers::kind_name(entry->kind)));
  }
  return entry->kind;
}

InstrumentConfig parse_instrument(const YamlReader& reader, const std::string& name, const YAML::Node& node) {
  const std::string field = "instruments." + name;
  reader.allow_only(node, field, schema_keys("station", "instruments.<name>"));
  InstrumentConfig out;
  out.name = name;
  out.line = node.Mark().line + 1;
  out.uri = reader.string(node, field, "uri");
  out.kind = kind_from(reader, node, field, out.uri, reader.optional_string(node, field, "kind"));
  out.model = reader.optional_string(node, field, "model").value_or("");
  if (node["timeout_s"]) out.timeout_s = reader.number_in(node, field, "timeout_s", 0.01, 60);
  if (node["sample_period_s"]) out.sample_period_s = reader.number_in(node, field, "sample_period_s", 0.01, 3600);
  out.min_temp_c = reader.optional_number(node, field, "min_temp_c");
  out.max_temp_c = reader.optional_number(node, field, "max_temp_c");
  if (out.min_temp_c && out.max_temp_c && *out.min_temp_c >= *out.max_temp_c) {
    reader.fail(node["min_temp_c"], field + ".min_temp_c", "must be below max_temp_c");
  }
  if (node["max_ramp_c_per_min"]) out.max_ramp_c_per_min = reader.number_in(node, field, "max_ramp_c_per_min", 0.01, 100);
  if (auto clock = reader.optional_string(node, field, "ramp_clock")) {
    if (*clock != "wall" && *clock != "profile") {
      reader.fail(node["ramp_clock"], field + ".ramp_clock", "unknown clock '" + *clock + "' (expected wall or profile)");
    }
    out.ramps_in_profile_time = *clock == "profile";
  }
  return out;
}

// NAME: DEVICE/CHANNEL, or NAME: { channel: DEVICE/CHANNEL, hub: INSTRUMENT, min: X, max: Y }.
DutSensorConfig parse_dut_sensor(const YamlReader& reader, const std::string& parent, const std::string& name,
                                 const YAML::Node& node) {
  const std::string field = parent + "." + name;
  DutSensorConfig out;
  out.name = name;
  out.line = node.Mark().line + 1;
  const bool has_unit_suffix = name.ends_with("_c") || name.ends_with("_v") || name.ends_with("_a") ||
                               name.ends_with("_w");
  if (!has_unit_suffix) {
    reader.fail(node, field, "a sensor's name ends with its unit: _c, _v, _a or _w (e.g. heatsink_temp_c)");
  }
  const YAML::Node* channel_node = &node;
  YAML::Node channel_value;
  if (node.IsMap()) {
    reader.allow_only(node, field, schema_keys("station", "duts.<name>.sensors.<channel>"));
    out.channel = reader.string(node, field, "channel");
    channel_value = node["channel"];
    channel_node = &channel_value;
    out.hub = reader.optional_string(node, field, "hub").value_or("");
    out.min = reader.optional_number(node, field, "min");
    out.max = reader.optional_number(node, field, "max");
    if (out.min && out.max && *out.min >= *out.max) reader.fail(node["min"], field + ".min", "must be below max");
  } else {
    out.channel = reader.scalar_string(node, field);
  }
  if (!drivers::parse_channel_address(out.channel)) {
    reader.fail(*channel_node, field, "'" + out.channel + "' is not DEVICE/CHANNEL (e.g. max31856/temp, ina226/power2)");
  }
  return out;
}

DutConfig parse_dut(const YamlReader& reader, const std::string& name, const YAML::Node& node) {
  const std::string field = "duts." + name;
  reader.allow_only(node, field, schema_keys("station", "duts.<name>"));
  DutConfig out;
  out.name = name;
  out.line = node.Mark().line + 1;
  out.agent_uri = reader.string(node, field, "agent");
  if (node["sample_period_s"]) out.sample_period_s = reader.number_in(node, field, "sample_period_s", 0.01, 3600);
  try {
    drivers::parse_uri(out.agent_uri);
  } catch (const drivers::UriError& e) {
    reader.fail(node["agent"], field + ".agent", e.what());
  }
  if (auto secret = reader.optional_string(node, field, "secret_file")) {
    std::filesystem::path path(*secret);
    if (path.is_relative()) path = std::filesystem::path(reader.label()).parent_path() / path;
    out.agent_secret_file = path.lexically_normal().string();
  }
  if (node["gpu_index"]) out.gpu_index = static_cast<std::uint32_t>(reader.number_in(node, field, "gpu_index", 0, 63));

  const auto supply = node["supply"];
  if (!supply) reader.fail(node, field + ".supply", "missing (required: which PSU channel powers the board)");
  const std::string supply_field = field + ".supply";
  reader.allow_only(supply, supply_field, schema_keys("station", "duts.<name>.supply"));
  out.supply.instrument = reader.string(supply, supply_field, "instrument");
  out.supply.line = supply.Mark().line + 1;
  out.supply.channel = static_cast<int>(reader.number_in(supply, supply_field, "channel", 1, 16));
  out.supply.max_voltage_v = reader.number_in(supply, supply_field, "max_voltage_v", 0.1, 1000);
  out.supply.max_current_a = reader.number_in(supply, supply_field, "max_current_a", 0.001, 1000);
  out.supply.voltage_v = reader.number_in(supply, supply_field, "voltage_v", 0.1, out.supply.max_voltage_v);

  if (const auto limits = node["limits"]) {
    const std::string limits_field = field + ".limits";
    reader.allow_only(limits, limits_field, schema_keys("station", "duts.<name>.limits"));
    if (limits["board_temp_c"]) out.limits.board_temp_c = reader.number_in(limits, limits_field, "board_temp_c", -50, 150);
    if (limits["max_power_w"]) out.limits.max_power_w = reader.number_in(limits, limits_field, "max_power_w", 1, 5000);
  }
  if (const auto sensors = node["sensors"]) {
    reader.require_map(sensors, field + ".sensors");
    for (const auto& item : sensors) {
      out.sensors.push_back(parse_dut_sensor(reader, field + ".sensors", reader.key(item.first, field + ".sensors"), item.second));
    }
  }
  return out;
}

// Each sensor's hub: named, or the station's only sensors instrument. Names must not clash
// with the board's own telemetry channels or with each other.
void resolve_sensor_hubs(const YamlReader& reader, const StationConfig& station, DutConfig& dut, const YAML::Node& node) {
  std::vector<const InstrumentConfig*> hubs;
  for (const auto& instrument : station.instruments) {
    if (instrument.kind == InstrumentKind::sensors) hubs.push_back(&instrument);
  }
  for (auto& sensor : dut.sensors) {
    const std::string field = "duts." + dut.name + ".sensors." + sensor.name;
    const auto sensor_node = node["sensors"][sensor.name];
    if (is_board_channel(sensor.name)) {
      reader.fail(sensor_node, field, "'" + sensor.name + "' is a channel the GPU board itself reports; pick another name");
    }
    if (sensor.hub.empty()) {
      if (hubs.size() != 1) {
        reader.fail(sensor_node, field,
                    hubs.empty() ? "no sensors instrument (uri: iio:…) is declared under instruments"
                                 : "several sensors instruments are declared: say which with hub:");
      }
      sensor.hub = hubs.front()->name;
      continue;
    }
    const auto* hub = station.find_instrument(sensor.hub);
    if (!hub || hub->kind != InstrumentKind::sensors) {
      reader.fail(sensor_node["hub"], field + ".hub", "'" + sensor.hub + "' is not a sensors instrument declared under instruments");
    }
  }
}

}  // namespace

bool is_board_channel(std::string_view name) {
  for (const auto& channel : kBoardChannels) {
    if (channel.name == name) return true;
  }
  return false;
}

const InstrumentConfig* StationConfig::find_instrument(const std::string& instrument_name) const {
  for (const auto& instrument : instruments) {
    if (instrument.name == instrument_name) return &instrument;
  }
  return nullptr;
}

const InstrumentConfig* StationConfig::first_of(InstrumentKind kind) const {
  for (const auto& instrument : instruments) {
    if (instrument.kind == kind) return &instrument;
  }
  return nullptr;
}

StationConfig parse_station(const std::string& label, const std::string& text) {
  YamlReader reader(label, text);
  const auto& root = reader.root();
  reader.allow_only(root, "", schema_keys("station", ""));
  StationConfig out;
  out.label = label;
  out.text = text;
  out.name = reader.string(root, "", "station");
  out.simulated = reader.optional_bool(root, "", "simulated").value_or(false);
  if (const auto results = root["results"]) {
    reader.require_map(results, "results");
    reader.allow_only(results, "results", schema_keys("station", "results"));
    if (const auto url = reader.optional_string(results, "results", "push")) {
      if (!url->starts_with("postgresql://") && !url->starts_with("postgres://")) {
        reader.fail(results["push"], "results.push", "expected a PostgreSQL URL (postgresql://USER@HOST/DB)");
      }
      out.results.push_url = *url;
    }
    if (const auto every = reader.optional_duration_s(results, "results", "every")) {
      if (*every < 1 || *every > 86400) reader.fail(results["every"], "results.every", "must be between 1s and 1d");
      out.results.push_every_s = *every;
    }
  }

  const auto instruments = root["instruments"];
  if (!instruments) reader.fail(root, "instruments", "missing (required)");
  reader.require_map(instruments, "instruments");
  for (const auto& item : instruments) {
    out.instruments.push_back(parse_instrument(reader, reader.key(item.first, "instruments"), item.second));
  }
  const auto duts = root["duts"];
  if (!duts) reader.fail(root, "duts", "missing (required: at least one board under test)");
  reader.require_map(duts, "duts");
  for (const auto& item : duts) {
    auto dut = parse_dut(reader, reader.key(item.first, "duts"), item.second);
    const auto* supply = out.find_instrument(dut.supply.instrument);
    if (!supply || supply->kind != InstrumentKind::psu) {
      reader.fail(item.second["supply"]["instrument"], "duts." + dut.name + ".supply.instrument",
                  "'" + dut.supply.instrument + "' is not a power supply declared under instruments");
    }
    resolve_sensor_hubs(reader, out, dut, item.second);
    out.duts.push_back(std::move(dut));
  }
  if (out.duts.empty()) reader.fail(duts, "duts", "at least one board under test is required");
  if (!out.first_of(InstrumentKind::chamber)) reader.fail(instruments, "instruments", "a thermal chamber is required");
  return out;
}

}  // namespace ob::bench
