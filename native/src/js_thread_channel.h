// Runs work on one env's JS thread from any other thread, through a Node-API threadsafe function,
// and stays safe after that env is gone: Node frees a threadsafe function at env teardown even while
// other threads still hold it, so every call goes through a flag that the finalizer clears under a lock.
#pragma once
#include <functional>
#include <memory>
#include <mutex>

#include <napi.h>

namespace vse {

class JsThreadChannel {
 public:
  using Work = std::function<void(Napi::Env)>;

  // JS thread. keepAlive: whether the channel holds the event loop open (ref) from the start.
  // onFinalize runs on the JS thread once no work can run any more (after Close, or at env teardown):
  // the place to free JS-thread state the work uses.
  static std::shared_ptr<JsThreadChannel> Create(Napi::Env env, const char* name, bool keepAlive,
                                                 std::function<void()> onFinalize = nullptr);

  // Any thread. Queues the work; false when the env is gone or the channel was closed (the work is
  // then dropped on the calling thread). Work that throws a JS error surfaces as an uncaught exception.
  bool Post(Work work);
  // Any thread. No more posts; queued work still runs. Idempotent.
  void Close();
  // JS thread.
  void Ref(Napi::Env env);
  void Unref(Napi::Env env);

  JsThreadChannel() = default;
  JsThreadChannel(const JsThreadChannel&) = delete;
  JsThreadChannel& operator=(const JsThreadChannel&) = delete;

 private:
  static void CallJs(napi_env env, napi_value, void* context, void* data);
  static void Finalize(napi_env env, void* finalizeData, void* context);

  std::mutex mutex_;
  napi_threadsafe_function function_ = nullptr;
  bool usable_ = false;  // created, not closed, env alive
  std::function<void()> onFinalize_;
};

}  // namespace vse
