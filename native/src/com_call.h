// Runs a piece of COM work on a connection's worker and settles a JS Promise with its result on the JS
// thread, by the connection's call deadline at the latest (host_connection.h).
#pragma once
#include <chrono>
#include <functional>
#include <memory>

#include <napi.h>

#include "host_connection.h"

namespace vse {

// Made on the worker from plain C++ values; runs on the JS thread to build the JS result.
using JsResult = std::function<Napi::Value(Napi::Env)>;

// `work` runs on the worker and may throw ComFailure (the Promise rejects with its error); the JsResult
// it returns may throw Napi::Error (the Promise rejects with it). A call past the deadline rejects with
// ERR_VS_TIMEOUT, one on an unresponsive connection with ERR_VS_UNRESPONSIVE.
Napi::Promise RunOnConnection(Napi::Env env, HostConnection& host, std::function<JsResult()> work);

// A Promise that resolves once `thread` has run what was posted to it before, or after `timeout`, whichever
// comes first, or at once when the thread was abandoned (it may never get there); it never rejects. It
// holds the event loop open meanwhile, not past the timeout.
Napi::Promise RunThrough(Napi::Env env, ComThread& thread, std::chrono::milliseconds timeout);

// A Promise already rejected with `error` (for failures found before any COM work, e.g. a released object).
Napi::Promise RejectedPromise(Napi::Env env, const Napi::Error& error);

}  // namespace vse
