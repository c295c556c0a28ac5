// The JS side of a subscription (lib/binding.ts NativeSubscription): checks subscribe()'s options,
// and gives JS close(), ref(), unref() and eventInterface. Garbage collection of the handle closes
// the subscription too.
#pragma once
#include <memory>

#include <napi.h>

#include "addon_state.h"
#include "delivery.h"
#include "subscription.h"

namespace vse {

// JS thread: validates NativeSubscribeOptions (throws TypeError/RangeError naming the field) and makes
// the Delivery that will carry the events.
struct SubscribeSetup {
  SubscribeRequest request;
  std::shared_ptr<Delivery> delivery;
};
SubscribeSetup ReadSubscribeOptions(AddonState& state, const Napi::Value& options);

class SubscriptionHandle : public Napi::ObjectWrap<SubscriptionHandle> {
 public:
  static Napi::Function DefineClass(Napi::Env env, AddonState* state);
  // JS thread, once the subscription is advised: the handle, with delivery opened.
  static Napi::Object New(AddonState& state, std::shared_ptr<Subscription> subscription,
                          std::shared_ptr<Delivery> delivery);

  explicit SubscriptionHandle(const Napi::CallbackInfo& info);
  ~SubscriptionHandle() override;

 private:
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value Ref(const Napi::CallbackInfo& info);
  Napi::Value Unref(const Napi::CallbackInfo& info);

  std::shared_ptr<Subscription> subscription_;
  std::shared_ptr<Delivery> delivery_;
};

}  // namespace vse
