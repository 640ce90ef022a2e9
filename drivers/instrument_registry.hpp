#pragma once
// One table of every instrument URI scheme orbitbench drives, as libiio's backend table: the
// scheme, its instrument kind, transport, default port, accepted query keys, the factory that
// builds its driver, and the simulated lab's model standing in for it. The factory
// (instrument_factory.hpp), the station file's kind inference and help (bench/config), the
// simulated station's choice of stand-ins (bench/lab_session.cpp) and `orbitbench schema` all
// read it. Adding a supply family = one dialect table (drivers/scpi) + its simulated server;
// adding a protocol = one entry here + its factory (drivers/scheme_factories.cpp).
#include <asio/any_io_executor.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/chamber/thermal_chamber.hpp"
#include "drivers/common/uri.hpp"
#include "drivers/instrument_kind.hpp"
#include "drivers/psu/power_supply.hpp"

namespace ob::drivers {

struct InstrumentOptions;
struct SchemeInfo;

enum class Transport {
  tcp,     // scheme://HOST[:PORT][?keys]
  serial,  // scheme:///DEVICE[?baud=N&keys], 8N1
  libiio,  // iio:ip:HOST[:PORT] | iio:local: | iio:usb:… | iio:xml:PATH (libiio's own URIs)
};

// Called with a URI whose shape (host or device path) and query keys were checked against the
// entry, and with options whose timing was checked. Throw std::invalid_argument naming `name`.
using PsuFactory = std::unique_ptr<PowerSupply> (*)(asio::any_io_executor executor, const std::string& name,
                                                     const Uri& uri, const InstrumentOptions& options,
                                                     const SchemeInfo& scheme);
using ChamberFactory = std::unique_ptr<ThermalChamber> (*)(asio::any_io_executor executor, const std::string& name,
                                                           const Uri& uri, const InstrumentOptions& options,
                                                           const SchemeInfo& scheme);

struct SchemeInfo {
  std::string_view scheme;  // "scpi+tcp"; "iio" for libiio's URIs ("iio:ip:…")
  InstrumentKind kind;
  Transport transport;
  std::string_view speaks;  // who answers it, for help and listings
  // The port a URI without one gets; 0: none (serial), or the model family's own (scpi+tcp:
  // Rigol 5555, the others 5025, from the dialect table) as `port_note` says.
  std::uint16_t default_port;
  std::string_view port_note;
  std::vector<std::string> keys;  // the query keys it accepts (serial: `baud` included)
  // The simulated lab's model that stands in for it in a `simulated: true` station
  // (fixtures/sim_lab.hpp sim_model_name: "dp832", "espec-p300", "watlow-f4t", "iiod").
  std::string_view sim_model;
  PsuFactory make_psu = nullptr;          // kind psu
  ChamberFactory make_chamber = nullptr;  // kind chamber
};

const std::vector<SchemeInfo>& instrument_schemes();

// nullptr when orbitbench knows no such scheme.
const SchemeInfo* find_scheme(std::string_view scheme);

// The scheme of a URI's text: "iio" for libiio's `iio:` URIs, else what precedes "://"
// ("" when there is none).
std::string scheme_of(std::string_view uri_text);

// "scpi+tcp, scpi+serial" (the schemes of one kind), for error messages.
std::string supported_schemes(InstrumentKind kind);

// The table as Markdown (`orbitbench schema`, docs/configuration.md).
std::string schemes_markdown();

}  // namespace ob::drivers
