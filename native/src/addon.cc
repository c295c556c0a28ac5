// Module entry point (placeholder until the event bridge lands): reports the addon and Node-API versions.
#include <napi.h>

// The build passes the package version as a bare token sequence (0.1.0); make it a string here.
#define VSE_STRINGIFY_(x) #x
#define VSE_STRINGIFY(x) VSE_STRINGIFY_(x)

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  uint32_t napiVersion = 0;
  napi_get_version(env, &napiVersion);
  exports.Set("addonVersion", Napi::String::New(env, VSE_STRINGIFY(VSE_ADDON_VERSION)));
  exports.Set("napiVersion", Napi::Number::New(env, napiVersion));
  return exports;
}

}  // namespace

NODE_API_MODULE(virtual_server_events, Init)
