#pragma once
// SensorHub over the libiio 0.24 C API. libiio calls block, so each hub owns one worker thread
// that alone touches its iio_context; coroutines hand it jobs and wait on the hub's executor
// with a deadline, so the io_context is never blocked. A call that fails with a lost link (or
// misses its deadline) re-creates the context with back-off, re-resolves channels, and retries
// once; reconnect_count() / last_reconnect_reason() report it like the other drivers.
// Only built with ORBITBENCH_WITH_IIO (libiio-dev); use make_sensor_hub() from
// drivers/instrument_factory.hpp, which exists either way.
#include <asio/any_io_executor.hpp>
#include <memory>
#include <string>

#include "drivers/iio/sensor.hpp"

namespace ob::drivers {

std::unique_ptr<SensorHub> make_iio_sensor_hub(asio::any_io_executor executor, std::string name, IioUri uri,
                                               SensorHubOptions options);

}  // namespace ob::drivers
