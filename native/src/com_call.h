// Runs a piece of COM work on the COM thread and settles a JS Promise with its result on the JS thread.
#pragma once
#include <functional>

#include <napi.h>

namespace vse {

// Made on the COM thread from plain C++ values; runs on the JS thread to build the JS result.
using JsResult = std::function<Napi::Value(Napi::Env)>;

// `work` runs on the COM thread and may throw ComFailure (the Promise rejects with its error);
// the JsResult it returns may throw Napi::Error (the Promise rejects with it).
Napi::Promise RunOnComThread(Napi::Env env, std::function<JsResult()> work);

// A Promise already rejected with `error` (for failures found before any COM work, e.g. a released object).
Napi::Promise RejectedPromise(Napi::Env env, const Napi::Error& error);

}  // namespace vse
