# MSVC build that a Windows user's `npm install` runs through node-gyp-build when no prebuilt addon fits.
# Sources, defines and libraries come from native/sources.gypi, which CMakeLists.txt reads too.
# Among the defines, _HAS_EXCEPTIONS=1 undoes node-gyp's MSVC default of a standard library without
# exceptions: the addon uses C++ exceptions (NODE_ADDON_API_CPP_EXCEPTIONS) and catches std::exception.
{
  "includes": ["native/sources.gypi"],
  "targets": [
    {
      "target_name": "virtual_server_events",
      "type": "loadable_module",
      "sources": ["<@(addon_sources)"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["<@(addon_defines)", "VSE_ADDON_VERSION=<!(node -p \"require('./package.json').version\")"],
      "libraries": ["<@(addon_libraries)"],
      "msvs_settings": {
        "VCCLCompilerTool": { "ExceptionHandling": 1, "AdditionalOptions": ["/std:c++17", "/utf-8"] }
      },
      "conditions": [
        ["OS!='win'", { "type": "none", "sources!": ["<@(addon_sources)"] }]
      ]
    }
  ]
}
