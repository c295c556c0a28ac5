#include "com_call.h"

#include <atomic>
#include <memory>

#include "js_thread_channel.h"

namespace vse {

Napi::Promise RunOnConnection(Napi::Env env, HostConnection& host, std::function<JsResult()> work) {
  auto deferred = std::make_shared<Napi::Promise::Deferred>(env);
  // Held open while the call is pending, as any pending I/O holds the loop; closed once it settles,
  // so that a call abandoned to a hung host never keeps the process alive.
  std::shared_ptr<JsThreadChannel> channel = JsThreadChannel::Create(env, "virtual-server-events call", true);
  auto reject = [channel, deferred](const ComError& failure) {
    channel->Post([deferred, failure](Napi::Env env) { deferred->Reject(ToJsError(env, failure).Value()); });
    channel->Close();
  };
  host.Call(
      [work = std::move(work), channel, deferred, reject]() -> HostConnection::Outcome {
        try {
          JsResult result = work();
          return [channel, deferred, result = std::move(result)] {
            channel->Post([deferred, result](Napi::Env env) {
              try {
                deferred->Resolve(result(env));
              } catch (const Napi::Error& error) {
                deferred->Reject(error.Value());
              }
            });
            channel->Close();
          };
        } catch (const ComFailure& error) {
          return [reject, failure = error.error()] { reject(failure); };
        } catch (const std::exception& error) {
          ComError failure;
          failure.message = std::string("internal error in the COM call: ") + error.what();
          return [reject, failure] { reject(failure); };
        }
      },
      reject);
  return deferred->Promise();
}

Napi::Promise RunThrough(Napi::Env env, ComThread& thread, std::chrono::milliseconds timeout) {
  auto deferred = std::make_shared<Napi::Promise::Deferred>(env);
  std::shared_ptr<JsThreadChannel> channel = JsThreadChannel::Create(env, "virtual-server-events flush", true);
  auto settled = std::make_shared<std::atomic<bool>>(false);
  auto settle = [deferred, channel, settled] {
    if (settled->exchange(true)) return;
    channel->Post([deferred](Napi::Env env) { deferred->Resolve(env.Undefined()); });
    channel->Close();
  };
  if (thread.IsAbandoned()) {
    settle();
    return deferred->Promise();
  }
  ComThread::TimerId timer = ComThread::Local().PostAt(ComThread::Clock::now() + timeout, settle);
  thread.Post([settle, timer] {
    ComThread::Local().Cancel(timer);
    settle();
  });
  return deferred->Promise();
}

Napi::Promise RejectedPromise(Napi::Env env, const Napi::Error& error) {
  Napi::Promise::Deferred deferred = Napi::Promise::Deferred::New(env);
  deferred.Reject(error.Value());
  return deferred.Promise();
}

}  // namespace vse
