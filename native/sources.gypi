{
  "variables": {
    "addon_sources": [
      "native/src/addon.cc"
    ],
    "addon_defines": [
      "NAPI_VERSION=5",
      "NODE_ADDON_API_DISABLE_DEPRECATED",
      "NODE_ADDON_API_CPP_EXCEPTIONS",
      "UNICODE",
      "_UNICODE",
      "WIN32_LEAN_AND_MEAN",
      "NOMINMAX",
      "_WIN32_WINNT=0x0600"
    ],
    "addon_libraries": [
      "-lole32",
      "-loleaut32",
      "-luuid"
    ]
  }
}
