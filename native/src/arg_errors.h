// Node's own errors for bad arguments (TypeError/RangeError with ERR_INVALID_ARG_*), thrown on the JS thread.
#pragma once
#include <string>

#include <napi.h>

namespace vse {

[[noreturn]] inline void ThrowArgError(Napi::Env env, bool range, const char* code, const std::string& message) {
  Napi::Error error = range ? static_cast<Napi::Error>(Napi::RangeError::New(env, message))
                            : static_cast<Napi::Error>(Napi::TypeError::New(env, message));
  error.Set("code", Napi::String::New(env, code));
  throw error;
}

// `what` names the argument ("options.maxQueue"), `expected` says what it should be.
[[noreturn]] inline void ThrowInvalidType(Napi::Env env, const std::string& what, const std::string& expected) {
  ThrowArgError(env, false, "ERR_INVALID_ARG_TYPE", "The \"" + what + "\" argument must be " + expected);
}
[[noreturn]] inline void ThrowInvalidValue(Napi::Env env, const std::string& what, const std::string& expected) {
  ThrowArgError(env, false, "ERR_INVALID_ARG_VALUE", "The \"" + what + "\" argument must be " + expected);
}
[[noreturn]] inline void ThrowOutOfRange(Napi::Env env, const std::string& what, const std::string& expected) {
  ThrowArgError(env, true, "ERR_OUT_OF_RANGE", "The value of \"" + what + "\" is out of range. It must be " + expected);
}

}  // namespace vse
