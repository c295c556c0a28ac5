#include "subscription_handle.h"

#include <cmath>

#include "arg_errors.h"
#include "event_schema_js.h"
#include "text.h"
#include "value_js.h"

namespace vse {
namespace {

int constructToken = 0;  // only New() constructs handles

Napi::Function RequiredFunction(const Napi::Object& options, const char* name) {
  Napi::Value value = options.Get(name);
  if (!value.IsFunction()) ThrowInvalidType(options.Env(), std::string("options.") + name, "a function");
  return value.As<Napi::Function>();
}

double RequiredNumber(const Napi::Object& options, const char* name, double minimum, double maximum) {
  Napi::Value value = options.Get(name);
  std::string what = std::string("options.") + name;
  if (!value.IsNumber()) ThrowInvalidType(options.Env(), what, "a number");
  double number = value.As<Napi::Number>().DoubleValue();
  if (!(number >= minimum && number <= maximum) || std::trunc(number) != number) {
    ThrowOutOfRange(options.Env(), what,
                    "an integer >= " + std::to_string(static_cast<long long>(minimum)) + " and <= " +
                        std::to_string(static_cast<long long>(maximum)) + ". Received " + value.ToString().Utf8Value());
  }
  return number;
}

void ReadAnswers(AddonState& state, const Napi::Value& value, SubscribeRequest& request) {
  if (value.IsUndefined()) return;
  Napi::Env env = value.Env();
  if (!value.IsObject() || value.IsArray())
    ThrowInvalidType(env, "options.outAnswers", "an object (method name -> parameter name -> value)");
  Napi::Object methods = value.As<Napi::Object>();
  Napi::Array methodNames = methods.GetPropertyNames();
  for (uint32_t m = 0; m < methodNames.Length(); ++m) {
    std::u16string method = methodNames.Get(m).ToString().Utf16Value();
    std::string methodPath = "options.outAnswers." + methodNames.Get(m).ToString().Utf8Value();
    Napi::Value params = methods.Get(methodNames.Get(m));
    if (!params.IsObject() || params.IsArray())
      ThrowInvalidType(env, methodPath, "an object (parameter name -> value)");
    Napi::Array paramNames = params.As<Napi::Object>().GetPropertyNames();
    for (uint32_t p = 0; p < paramNames.Length(); ++p) {
      std::string path = methodPath + "." + paramNames.Get(p).ToString().Utf8Value();
      auto answer = std::make_shared<Value>(ValueFromJs(state, params.As<Napi::Object>().Get(paramNames.Get(p)), path));
      if (answer->kind == Value::Kind::Object || answer->kind == Value::Kind::Array) {
        ThrowInvalidType(env, path, "a boolean, number, bigint, string, Date, null or undefined");
      }
      request.answers.push_back({WideFromU16(method), WideFromU16(paramNames.Get(p).ToString().Utf16Value()), answer});
    }
  }
}

}  // namespace

SubscribeSetup ReadSubscribeOptions(AddonState& state, const Napi::Value& value) {
  Napi::Env env = value.Env();
  if (!value.IsObject() || value.IsArray()) ThrowInvalidType(env, "options", "an object (NativeSubscribeOptions)");
  Napi::Object options = value.As<Napi::Object>();
  SubscribeSetup setup;
  Napi::Value iid = options.Get("iid");
  if (!iid.IsUndefined()) {
    if (!iid.IsString()) ThrowInvalidType(env, "options.iid", "a string");
    setup.request.iid = WideFromU16(iid.As<Napi::String>().Utf16Value());
    if (!IsGuidText(setup.request.iid)) {
      ThrowInvalidValue(env, "options.iid", "an IID in the form '{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}'");
    }
  }
  size_t maxQueue = static_cast<size_t>(RequiredNumber(options, "maxQueue", 1, 16777216));
  Napi::Value overflow = options.Get("overflow");
  std::string overflowText = overflow.IsString() ? overflow.As<Napi::String>().Utf8Value() : std::string();
  if (overflowText != "error" && overflowText != "drop-oldest") {
    ThrowInvalidValue(env, "options.overflow", "'error' or 'drop-oldest'");
  }
  setup.request.probeInterval =
      std::chrono::milliseconds(static_cast<long long>(RequiredNumber(options, "probeIntervalMs", 10, 86400000)));
  setup.request.probeTimeout =
      std::chrono::milliseconds(static_cast<long long>(RequiredNumber(options, "probeTimeoutMs", 10, 86400000)));
  ReadAnswers(state, options.Get("outAnswers"), setup.request);
  Napi::Function onEvents = RequiredFunction(options, "onEvents");
  Napi::Function onEnd = RequiredFunction(options, "onEnd");
  setup.delivery = Delivery::Create(
      env, state, maxQueue, overflowText == "error" ? Delivery::Overflow::Error : Delivery::Overflow::DropOldest,
      onEvents, onEnd);
  return setup;
}

Napi::Function SubscriptionHandle::DefineClass(Napi::Env env, AddonState* state) {
  return Napi::ObjectWrap<SubscriptionHandle>::DefineClass(
      env, "NativeSubscription",
      {InstanceMethod<&SubscriptionHandle::Close>("close"), InstanceMethod<&SubscriptionHandle::Ref>("ref"),
       InstanceMethod<&SubscriptionHandle::Unref>("unref")},
      state);
}

Napi::Object SubscriptionHandle::New(AddonState& state, std::shared_ptr<Subscription> subscription,
                                     std::shared_ptr<Delivery> delivery) {
  Napi::Env env = state.subscriptionClass.Env();
  Napi::Object handle = state.subscriptionClass.New({Napi::External<int>::New(env, &constructToken)});
  handle.DefineProperty(Napi::PropertyDescriptor::Value(
      "eventInterface", EventInterfaceToJs(env, *subscription->schema()), napi_enumerable));
  SubscriptionHandle* self = Unwrap(handle);
  self->subscription_ = subscription;
  self->delivery_ = delivery;
  state.liveSubscriptions.insert(subscription);
  std::weak_ptr<AddonState> weakState = state.weak_from_this();
  delivery->OnEnded([weakState, subscription] {
    subscription->Close();  // Unadvise after an overflow; nothing after close() or a loss
    if (std::shared_ptr<AddonState> alive = weakState.lock()) alive->liveSubscriptions.erase(subscription);
  });
  delivery->Open();
  return handle;
}

SubscriptionHandle::SubscriptionHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<SubscriptionHandle>(info) {
  if (info.Length() != 1 || !info[0].IsExternal() || info[0].As<Napi::External<int>>().Data() != &constructToken) {
    throw Napi::TypeError::New(info.Env(),
                               "NativeSubscription cannot be constructed: subscriptions come from subscribe()");
  }
}

SubscriptionHandle::~SubscriptionHandle() {
  // Collected without close(): unadvise; onEnd(null) still comes if the env lives on.
  if (subscription_) subscription_->Close();
}

Napi::Value SubscriptionHandle::Close(const Napi::CallbackInfo& info) {
  Napi::Promise::Deferred deferred = Napi::Promise::Deferred::New(info.Env());
  delivery_->Ref(info.Env());  // a pending close() holds the loop open, as any pending I/O does
  delivery_->WhenEnded(deferred);
  subscription_->Close();
  return deferred.Promise();
}

Napi::Value SubscriptionHandle::Ref(const Napi::CallbackInfo& info) {
  delivery_->Ref(info.Env());
  return info.Env().Undefined();
}

Napi::Value SubscriptionHandle::Unref(const Napi::CallbackInfo& info) {
  delivery_->Unref(info.Env());
  return info.Env().Undefined();
}

}  // namespace vse
