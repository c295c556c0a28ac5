#include "js_thread_channel.h"

#include <utility>

namespace vse {

std::shared_ptr<JsThreadChannel> JsThreadChannel::Create(Napi::Env env, const char* name, bool keepAlive,
                                                         std::function<void()> onFinalize) {
  auto channel = std::make_shared<JsThreadChannel>();
  channel->onFinalize_ = std::move(onFinalize);
  // The threadsafe function owns one strong reference, dropped in Finalize.
  auto* owner = new std::shared_ptr<JsThreadChannel>(channel);
  napi_status status = napi_create_threadsafe_function(env, nullptr, nullptr, Napi::String::New(env, name), 0, 1, owner,
                                                       Finalize, owner, CallJs, &channel->function_);
  if (status != napi_ok) {
    delete owner;
    if (channel->onFinalize_) channel->onFinalize_();
    NAPI_THROW_IF_FAILED(env, status, channel);
  }
  channel->usable_ = true;
  if (!keepAlive) napi_unref_threadsafe_function(env, channel->function_);
  return channel;
}

bool JsThreadChannel::Post(Work work) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!usable_) return false;
  auto* data = new Work(std::move(work));
  if (napi_call_threadsafe_function(function_, data, napi_tsfn_nonblocking) != napi_ok) {
    delete data;
    return false;
  }
  return true;
}

void JsThreadChannel::Close() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!usable_) return;
  usable_ = false;
  napi_release_threadsafe_function(function_, napi_tsfn_release);
}

void JsThreadChannel::Ref(Napi::Env env) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (usable_) napi_ref_threadsafe_function(env, function_);
}

void JsThreadChannel::Unref(Napi::Env env) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (usable_) napi_unref_threadsafe_function(env, function_);
}

void JsThreadChannel::CallJs(napi_env env, napi_value, void*, void* data) {
  std::unique_ptr<Work> work(static_cast<Work*>(data));
  if (env == nullptr) return;  // env teardown: drop the work
  Napi::Env jsEnv(env);
  Napi::HandleScope scope(jsEnv);
  // Nothing may leave this C callback as a C++ exception. A JS error goes to JS as uncaught; while a
  // worker is being terminated even that throw fails, and there is nobody left to tell.
  try {
    try {
      (*work)(jsEnv);
    } catch (const Napi::Error& error) {
      error.ThrowAsJavaScriptException();
    }
  } catch (...) {
  }
}

void JsThreadChannel::Finalize(napi_env, void* finalizeData, void*) {
  auto* owner = static_cast<std::shared_ptr<JsThreadChannel>*>(finalizeData);
  {
    std::lock_guard<std::mutex> lock((*owner)->mutex_);
    (*owner)->usable_ = false;
  }
  if ((*owner)->onFinalize_) std::exchange((*owner)->onFinalize_, nullptr)();
  delete owner;
}

}  // namespace vse
