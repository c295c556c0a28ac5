{
  "variables": {
    "addon_sources": [
      "native/src/addon.cc",
      "native/src/caller_access.cc",
      "native/src/com_call.cc",
      "native/src/com_object.cc",
      "native/src/com_thread.cc",
      "native/src/connection.cc",
      "native/src/delivery.cc",
      "native/src/dispatch.cc",
      "native/src/event_schema.cc",
      "native/src/event_schema_js.cc",
      "native/src/event_sink.cc",
      "native/src/host_connection.cc",
      "native/src/host_prober.cc",
      "native/src/hresult.cc",
      "native/src/js_thread_channel.cc",
      "native/src/proxy_security.cc",
      "native/src/subscription.cc",
      "native/src/subscription_handle.cc",
      "native/src/text.cc",
      "native/src/value.cc",
      "native/src/value_js.cc",
      "native/src/vtable_thunks.cc"
    ],
    "addon_defines": [
      "NAPI_VERSION=5",
      "NODE_ADDON_API_DISABLE_DEPRECATED",
      "NODE_ADDON_API_CPP_EXCEPTIONS",
      "_HAS_EXCEPTIONS=1",
      "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS",
      "UNICODE",
      "_UNICODE",
      "WIN32_LEAN_AND_MEAN",
      "NOMINMAX",
      "_WIN32_WINNT=0x0600"
    ],
    "addon_libraries": [
      "-ladvapi32",
      "-lole32",
      "-loleaut32",
      "-luuid"
    ]
  }
}
