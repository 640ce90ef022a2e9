#include "bench/config/station_config.hpp"

#include <cstdint>

#include "bench/config/yaml_reader.hpp"
#include "drivers/common/uri.hpp"

namespace ob::bench {
namespace {

InstrumentKind kind_from(const YamlReader& reader, const YAML::Node& node, const std::string& field,
                         const std::string& uri_text, const std::optional<std::string>& kind_text) {
  if (kind_text) {
    if (*kind_text == "psu") return InstrumentKind::psu;
    if (*kind_text == "chamber") return InstrumentKind::chamber;
    reader.fail(node["kind"], field + ".kind", "'" + *kind_text + "' is not an instrument kind (psu, chamber)");
  }
  drivers::Uri uri;
  try {
    uri = drivers::parse_uri(uri_text);
  } catch (const drivers::UriError& e) {
    reader.fail(node["uri"], field + ".uri", e.what());
  }
  if (uri.scheme.starts_with("scpi")) return InstrumentKind::psu;
  if (uri.scheme.starts_with("espec") || uri.scheme.starts_with("watlow")) return InstrumentKind::chamber;
  if (uri.scheme == "sim") {  // the simulated lab's names: psu, psu-e36312a, chamber, chamber-f4t, …
    if (uri.host.starts_with("psu")) return InstrumentKind::psu;
    if (uri.host.starts_with("chamber")) return InstrumentKind::chamber;
  }
  reader.fail(node["uri"], field + ".uri",
              "cannot tell the instrument kind from '" + uri_text + "'; add kind: psu | chamber");
}

InstrumentConfig parse_instrument(const YamlReader& reader, const std::string& name, const YAML::Node& node) {
  const std::string field = "instruments." + name;
  reader.allow_only(node, field, {"uri", "kind", "model", "timeout_s", "min_temp_c", "max_temp_c", "max_ramp_c_per_min"});
  InstrumentConfig out;
  out.name = name;
  out.line = node.Mark().line + 1;
  out.uri = reader.string(node, field, "uri");
  out.kind = kind_from(reader, node, field, out.uri, reader.optional_string(node, field, "kind"));
  out.model = reader.optional_string(node, field, "model").value_or("");
  if (node["timeout_s"]) out.timeout_s = reader.number_in(node, field, "timeout_s", 0.01, 60);
  out.min_temp_c = reader.optional_number(node, field, "min_temp_c");
  out.max_temp_c = reader.optional_number(node, field, "max_temp_c");
  if (out.min_temp_c && out.max_temp_c && *out.min_temp_c >= *out.max_temp_c) {
    reader.fail(node["min_temp_c"], field + ".min_temp_c", "must be below max_temp_c");
  }
  if (node["max_ramp_c_per_min"]) out.max_ramp_c_per_min = reader.number_in(node, field, "max_ramp_c_per_min", 0.01, 100);
  return out;
}

DutConfig parse_dut(const YamlReader& reader, const std::string& name, const YAML::Node& node) {
  const std::string field = "duts." + name;
  reader.allow_only(node, field, {"agent", "gpu_index", "supply", "limits"});
  DutConfig out;
  out.name = name;
  out.line = node.Mark().line + 1;
  out.agent_uri = reader.string(node, field, "agent");
  try {
    drivers::parse_uri(out.agent_uri);
  } catch (const drivers::UriError& e) {
    reader.fail(node["agent"], field + ".agent", e.what());
  }
  if (node["gpu_index"]) out.gpu_index = static_cast<std::uint32_t>(reader.number_in(node, field, "gpu_index", 0, 63));

  const auto supply = node["supply"];
  if (!supply) reader.fail(node, field + ".supply", "missing (required: which PSU channel powers the board)");
  const std::string supply_field = field + ".supply";
  reader.allow_only(supply, supply_field, {"instrument", "channel", "voltage_v", "max_voltage_v", "max_current_a"});
  out.supply.instrument = reader.string(supply, supply_field, "instrument");
  out.supply.channel = static_cast<int>(reader.number_in(supply, supply_field, "channel", 1, 16));
  out.supply.max_voltage_v = reader.number_in(supply, supply_field, "max_voltage_v", 0.1, 1000);
  out.supply.max_current_a = reader.number_in(supply, supply_field, "max_current_a", 0.001, 1000);
  out.supply.voltage_v = reader.number_in(supply, supply_field, "voltage_v", 0.1, out.supply.max_voltage_v);

  if (const auto limits = node["limits"]) {
    const std::string limits_field = field + ".limits";
    reader.allow_only(limits, limits_field, {"board_temp_c", "max_power_w"});
    if (limits["board_temp_c"]) out.limits.board_temp_c = reader.number_in(limits, limits_field, "board_temp_c", -50, 150);
    if (limits["max_power_w"]) out.limits.max_power_w = reader.number_in(limits, limits_field, "max_power_w", 1, 5000);
  }
  return out;
}

}  // namespace

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
  reader.allow_only(root, "", {"station", "simulated", "instruments", "duts"});
  StationConfig out;
  out.label = label;
  out.text = text;
  out.name = reader.string(root, "", "station");
  out.simulated = reader.optional_bool(root, "", "simulated").value_or(false);

  const auto instruments = root["instruments"];
  if (!instruments) reader.fail(root, "instruments", "missing (required)");
  reader.require_map(instruments, "instruments");
  for (const auto& item : instruments) {
    out.instruments.push_back(parse_instrument(reader, item.first.as<std::string>(), item.second));
  }
  const auto duts = root["duts"];
  if (!duts) reader.fail(root, "duts", "missing (required: at least one board under test)");
  reader.require_map(duts, "duts");
  for (const auto& item : duts) {
    auto dut = parse_dut(reader, item.first.as<std::string>(), item.second);
    const auto* supply = out.find_instrument(dut.supply.instrument);
    if (!supply || supply->kind != InstrumentKind::psu) {
      reader.fail(item.second["supply"]["instrument"], "duts." + dut.name + ".supply.instrument",
                  "'" + dut.supply.instrument + "' is not a power supply declared under instruments");
    }
    out.duts.push_back(std::move(dut));
  }
  if (out.duts.empty()) reader.fail(duts, "duts", "at least one board under test is required");
  if (!out.first_of(InstrumentKind::chamber)) reader.fail(instruments, "instruments", "a thermal chamber is required");
  return out;
}

}  // namespace ob::bench
