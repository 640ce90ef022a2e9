// A profile's identity: SHA-256 over its deterministic protobuf serialization (fields in
// number order, no map-order randomness), so equal profiles always hash equal.
#include <openssl/evp.h>

#include <array>
#include <string>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "profiles/orbit_profile.hpp"

namespace ob::profiles {

namespace {

std::string deterministic_bytes(const pb::Profile& profile) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    if (!profile.SerializeToCodedStream(&coded)) {
      throw ProfileError("profile_digest: cannot serialize profile " + profile.name());
    }
  }  // the coded stream trims the string to what was written when it goes out of scope
  return bytes;
}

}  // namespace

std::string profile_digest(const pb::Profile& profile) {
  const std::string bytes = deterministic_bytes(profile);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digest_length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &digest_length, EVP_sha256(),
                 nullptr) != 1) {
    throw ProfileError("profile_digest: SHA-256 failed");
  }
  constexpr std::string_view kHexDigits = "0123456789abcdef";
  constexpr unsigned kNibbleBits = 4;
  constexpr unsigned kNibbleMask = 0x0f;
  std::string hex;
  hex.reserve(2 * digest_length);
  for (unsigned int i = 0; i < digest_length; ++i) {
    hex += kHexDigits[digest[i] >> kNibbleBits];
    hex += kHexDigits[digest[i] & kNibbleMask];
  }
  return hex;
}

}  // namespace ob::profiles
