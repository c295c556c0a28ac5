// From the COM threads to JS: one bounded queue and one threadsafe function per subscription. Sinks push
// records on whatever RPC thread COM calls them; one wake-up of the JS thread hands JS every record
// queued so far (a batch), in arrival order; the end (close, overflow, disconnection) comes after them.
#pragma once
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include <napi.h>

#include "addon_state.h"
#include "event_schema.h"
#include "hresult.h"
#include "js_thread_channel.h"
#include "live_count.h"
#include "value.h"

namespace vse {

// One event as the sink saw it, in plain C++ values.
struct EventRecord {
  const EventMethod* method = nullptr;                        // kept alive by the Delivery's schema
  std::vector<Value> args;                                    // [in] arguments in declaration order
  double time = 0;                                            // ms since the epoch when the call arrived
  std::vector<std::pair<const EventParam*, Value>> answered;  // [out] parameters and what the sink wrote
};

class Delivery : public std::enable_shared_from_this<Delivery> {
 public:
  enum class Overflow { Error, DropOldest };

  // JS thread. The channel does not hold the loop open until Ref().
  static std::shared_ptr<Delivery> Create(Napi::Env env, AddonState& state, size_t maxQueue, Overflow overflow,
                                          Napi::Function onEvents, Napi::Function onEnd);

  // Any thread.
  void KeepSchema(std::shared_ptr<const EventInterface> schema);
  void Push(EventRecord record);
  // Ends the stream once (later calls do nothing): JS gets what is queued, then onEnd(error or null).
  void End(std::optional<ComError> error);

  // Any thread: subscribe() failed, nothing will be delivered and the callbacks are let go.
  void Discard();

  // JS thread.
  void Open();  // delivery starts (subscribe() resolved): records pushed before now go out too
  void Ref(Napi::Env env) { channel_->Ref(env); }
  void Unref(Napi::Env env) { channel_->Unref(env); }
  // Resolves `deferred` once onEnd has been called (now, if it has).
  void WhenEnded(Napi::Promise::Deferred deferred);
  // Runs on the JS thread right after onEnd (the subscription's clean-up).
  void OnEnded(std::function<void()> hook);

  Delivery() = default;

 private:
  struct JsSide;  // JS-thread-only state, deleted with the channel on the JS thread
  void WakeLocked();
  void Drain(Napi::Env env);

  std::shared_ptr<JsThreadChannel> channel_;
  JsSide* js_ = nullptr;

  std::mutex mutex_;
  std::shared_ptr<const EventInterface> schema_;
  std::deque<EventRecord> queue_;
  size_t maxQueue_ = 1;
  Overflow overflow_ = Overflow::Error;
  size_t dropped_ = 0;
  bool opened_ = false;
  bool wakePending_ = false;
  bool ended_ = false;
  bool endDelivered_ = false;
  std::optional<ComError> endError_;
  LiveCount<Delivery> live_;
};

}  // namespace vse
