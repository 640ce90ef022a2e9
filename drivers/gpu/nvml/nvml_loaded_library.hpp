#pragma once
// The dlopen'ed NVML behind NvmlLibrary::open. Private to drivers/gpu/nvml/.
#include <mutex>
#include <sstream>
#include <string>

#include "drivers/gpu/nvml/nvml_api.hpp"
#include "drivers/gpu/nvml/nvml_device.hpp"

namespace ob::drivers::nvml {

class NvmlLoadedLibrary final : public NvmlLibrary {
 public:
  // `handle` came from dlopen(path) and nvmlInit_v2 has succeeded; the destructor calls nvmlShutdown.
  NvmlLoadedLibrary(void* handle, std::string path, api::NvmlApi api, Notice notice);
  ~NvmlLoadedLibrary() override;
  NvmlLoadedLibrary(const NvmlLoadedLibrary&) = delete;
  NvmlLoadedLibrary& operator=(const NvmlLoadedLibrary&) = delete;

  std::expected<unsigned, std::string> device_count() override;
  std::expected<std::unique_ptr<NvmlDevice>, std::string> device(unsigned index) override;

  const api::NvmlApi& api() const { return api_; }
  const std::string& path() const { return path_; }
  // NVML's own text for `code` ("Not Supported"), also when nvmlErrorString is missing.
  std::string error_string(api::nvmlReturn_t code) const;
  // Passes `text` to the notice callback; calls from several devices' threads are serialised.
  void notify(const std::string& text);

 private:
  void* handle_;
  std::string path_;
  api::NvmlApi api_;
  Notice notice_;
  std::mutex notice_mutex_;
};

// Message text from parts (GCC 12's libstdc++ has no <format>).
template <class... Parts>
std::string concat(const Parts&... parts) {
  std::ostringstream out;
  (out << ... << parts);
  return out.str();
}

// Our fallback for nvmlErrorString, with NVML's spelling.
std::string nvml_error_name(api::nvmlReturn_t code);

// Defined in nvml_device.cpp.
std::unique_ptr<NvmlDevice> make_nvml_device(std::shared_ptr<NvmlLoadedLibrary> library, unsigned index,
                                             api::nvmlDevice_t handle);

}  // namespace ob::drivers::nvml
