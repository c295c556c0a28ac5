#include "delivery.h"

#include "text.h"
#include "value_js.h"

namespace vse {

struct Delivery::JsSide {
  std::weak_ptr<AddonState> state;
  Napi::FunctionReference onEvents;
  Napi::FunctionReference onEnd;
  std::vector<Napi::Promise::Deferred> endWaiters;
  std::function<void()> onEnded;
};

std::shared_ptr<Delivery> Delivery::Create(Napi::Env env, AddonState& state, size_t maxQueue, Overflow overflow,
                                           Napi::Function onEvents, Napi::Function onEnd) {
  auto delivery = std::make_shared<Delivery>();
  delivery->maxQueue_ = maxQueue;
  delivery->overflow_ = overflow;
  auto* js = new JsSide();
  js->state = state.weak_from_this();
  js->onEvents = Napi::Persistent(onEvents);
  js->onEnd = Napi::Persistent(onEnd);
  delivery->js_ = js;
  delivery->channel_ = JsThreadChannel::Create(env, "virtual-server-events subscription", false, [js] { delete js; });
  return delivery;
}

void Delivery::KeepSchema(std::shared_ptr<const EventInterface> schema) {
  std::lock_guard<std::mutex> lock(mutex_);
  schema_ = std::move(schema);
}

void Delivery::Push(EventRecord record) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (ended_) return;
  if (queue_.size() >= maxQueue_) {
    if (overflow_ == Overflow::DropOldest) {
      queue_.pop_front();
      ++dropped_;
    } else {
      ComError error;
      error.code = error_code::kQueueOverflow;
      error.message = "the subscription's queue reached maxQueue (" + std::to_string(maxQueue_) +
                      " events not yet taken by JS) and overflow is 'error': read events faster, raise maxQueue, "
                      "or use overflow 'drop-oldest'";
      ended_ = true;
      endError_ = std::move(error);
      WakeLocked();
      return;
    }
  }
  queue_.push_back(std::move(record));
  WakeLocked();
}

void Delivery::End(std::optional<ComError> error) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (ended_) return;
  ended_ = true;
  endError_ = std::move(error);
  WakeLocked();
}

void Delivery::WakeLocked() {
  if (!opened_ || wakePending_ || endDelivered_) return;
  wakePending_ = true;
  std::shared_ptr<Delivery> self = shared_from_this();
  if (!channel_->Post([self](Napi::Env env) { self->Drain(env); })) {
    // The env is gone: nobody will ever take these.
    queue_.clear();
    ended_ = endDelivered_ = true;
  }
}

void Delivery::Open() {
  std::lock_guard<std::mutex> lock(mutex_);
  opened_ = true;
  if (!queue_.empty() || ended_) WakeLocked();
}

void Delivery::Discard() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ended_ = endDelivered_ = true;
    queue_.clear();
  }
  channel_->Close();
}

void Delivery::WhenEnded(Napi::Promise::Deferred deferred) {
  bool delivered;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    delivered = endDelivered_;
  }
  if (delivered) {
    deferred.Resolve(deferred.Env().Undefined());
  } else {
    js_->endWaiters.push_back(deferred);
  }
}

void Delivery::OnEnded(std::function<void()> hook) { js_->onEnded = std::move(hook); }

void Delivery::Drain(Napi::Env env) {
  std::deque<EventRecord> batch;
  size_t dropped;
  bool deliverEnd;
  std::optional<ComError> error;
  std::shared_ptr<const EventInterface> schema;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (endDelivered_) return;  // discarded or abandoned meanwhile
    batch.swap(queue_);
    dropped = std::exchange(dropped_, 0);
    wakePending_ = false;
    deliverEnd = ended_;
    endDelivered_ = ended_;
    error = endError_;
    schema = schema_;
  }
  std::shared_ptr<AddonState> state = js_->state.lock();
  if (!state) return;

  std::optional<Napi::Error> thrown;
  // Whatever throws here (making a record, or the callback), the end still goes out after it: close()
  // waits for that end.
  if (!batch.empty() || dropped > 0) {
    try {
      Napi::Array records = Napi::Array::New(env, batch.size());
      uint32_t index = 0;
      for (EventRecord& record : batch) {
        Napi::Object object = Napi::Object::New(env);
        object.Set("method", Napi::String::New(env, U16FromWide(record.method->name)));
        Napi::Array args = Napi::Array::New(env, record.args.size());
        for (uint32_t i = 0; i < record.args.size(); ++i)
          args.Set(i, ValueToJs(env, *state, std::move(record.args[i])));
        object.Set("args", args);
        object.Set("time", Napi::Number::New(env, record.time));
        if (!record.answered.empty()) {
          Napi::Object answered = Napi::Object::New(env);
          for (auto& answer : record.answered) {
            answered.Set(Napi::String::New(env, U16FromWide(answer.first->name)),
                         ValueToJs(env, *state, std::move(answer.second)));
          }
          object.Set("answered", answered);
        }
        records.Set(index++, object);
      }
      js_->onEvents.Call({records, Napi::Number::New(env, static_cast<double>(dropped))});
    } catch (const Napi::Error& batchError) {
      thrown = batchError;  // surfaces after the end
    }
  }
  if (deliverEnd) {
    try {
      js_->onEnd.Call({error ? ToJsError(env, *error).Value() : env.Null()});
    } catch (const Napi::Error& callbackError) {
      if (!thrown) thrown = callbackError;
    }
    for (Napi::Promise::Deferred& waiter : js_->endWaiters) waiter.Resolve(env.Undefined());
    js_->endWaiters.clear();
    if (js_->onEnded) std::exchange(js_->onEnded, nullptr)();
    channel_->Close();
  }
  if (thrown) throw *thrown;
}

}  // namespace vse
