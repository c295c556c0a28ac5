#include "com_call.h"

#include <memory>

#include "com_thread.h"
#include "hresult.h"
#include "js_thread_channel.h"

namespace vse {

Napi::Promise RunOnComThread(Napi::Env env, std::function<JsResult()> work) {
  auto deferred = std::make_shared<Napi::Promise::Deferred>(env);
  // Held open while the call is pending, as any pending I/O holds the loop.
  std::shared_ptr<JsThreadChannel> channel = JsThreadChannel::Create(env, "virtual-server-events call", true);
  ComThread::Get().Post([work = std::move(work), channel, deferred] {
    JsResult result;
    auto failure = std::make_shared<ComError>();
    bool failed = false;
    try {
      result = work();
    } catch (const ComFailure& error) {
      *failure = error.error();
      failed = true;
    } catch (const std::exception& error) {
      failure->message = std::string("internal error in the COM call: ") + error.what();
      failed = true;
    }
    channel->Post([deferred, result = std::move(result), failure, failed](Napi::Env env) {
      if (failed) {
        deferred->Reject(ToJsError(env, *failure).Value());
        return;
      }
      try {
        deferred->Resolve(result(env));
      } catch (const Napi::Error& error) {
        deferred->Reject(error.Value());
      }
    });
    channel->Close();
  });
  return deferred->Promise();
}

Napi::Promise RejectedPromise(Napi::Env env, const Napi::Error& error) {
  Napi::Promise::Deferred deferred = Napi::Promise::Deferred::New(env);
  deferred.Reject(error.Value());
  return deferred.Promise();
}

}  // namespace vse
