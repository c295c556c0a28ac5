// Value <-> JS, on the JS thread (see lib/binding.ts NativeValue for the mapping).
#pragma once
#include <string>

#include <napi.h>

#include "addon_state.h"
#include "value.h"

namespace vse {

// Dispatch pointers become NativeObject handles that own them; an Unsupported value becomes an Error
// object (code ERR_VS_UNSUPPORTED_VARIANT) saying what the VARIANT was.
Napi::Value ValueToJs(Napi::Env env, AddonState& state, Value&& value);

// Throws TypeError (ERR_INVALID_ARG_TYPE) naming `what` for JS values that have no VARIANT equivalent.
Value ValueFromJs(AddonState& state, const Napi::Value& value, const std::string& what);

}  // namespace vse
