// Module entry point: the exported functions of lib/binding.ts's NativeBinding. Each checks its
// arguments on the JS thread, then hands the COM work to its connection's worker and returns a Promise.
// Context-aware: every function gets its env's AddonState as data; a cleanup hook frees it.
#include <napi.h>

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "addon_state.h"
#include "arg_errors.h"
#include "caller_access.h"
#include "com_call.h"
#include "com_object.h"
#include "connection.h"
#include "dispatch.h"
#include "event_schema.h"
#include "event_schema_js.h"
#include "hresult.h"
#include "live_count.h"
#include "subscription.h"
#include "subscription_handle.h"
#include "text.h"
#include "value_js.h"

// The build passes the package version as a bare token sequence (0.1.0); make it a string here.
#define VSE_STRINGIFY_(x) #x
#define VSE_STRINGIFY(x) VSE_STRINGIFY_(x)

namespace vse {
namespace {

AddonState& StateOf(const Napi::CallbackInfo& info) { return *static_cast<AddonState*>(info.Data()); }

// The object behind a target argument; a released one becomes a rejected Promise (see RejectReleased).
std::shared_ptr<ComObject> HandedOutObject(AddonState& state, const Napi::Value& value, const char* what) {
  std::shared_ptr<ComObject> object = ObjectHandle::From(state, value, what);
  if (!object) throw ReleasedObjectUsed{what};
  return object;
}

// Wraps an entry point that returns a Promise: the use of a released object rejects it.
template <Napi::Value (*EntryPoint)(const Napi::CallbackInfo&)>
Napi::Value RejectReleased(const Napi::CallbackInfo& info) {
  try {
    return EntryPoint(info);
  } catch (const ReleasedObjectUsed& released) {
    return RejectedPromise(info.Env(), ReleasedError(info.Env(), released.what));
  }
}

std::wstring MemberName(const Napi::Value& value) {
  if (!value.IsString()) ThrowInvalidType(value.Env(), "name", "a string (a property or method name)");
  std::wstring name = WideFromU16(value.As<Napi::String>().Utf16Value());
  if (name.empty()) ThrowInvalidValue(value.Env(), "name", "a non-empty string");
  return name;
}

std::vector<Value> Arguments(AddonState& state, const Napi::Value& value, bool optional) {
  std::vector<Value> args;
  if (optional && value.IsUndefined()) return args;
  if (!value.IsArray()) ThrowInvalidType(value.Env(), "args", optional ? "an array or undefined" : "an array");
  Napi::Array array = value.As<Napi::Array>();
  for (uint32_t index = 0; index < array.Length(); ++index) {
    args.push_back(ValueFromJs(state, array.Get(index), "args[" + std::to_string(index) + "]"));
  }
  return args;
}

// A JsResult that hands a Value to JS (values are move-only: the closure shares it). JsResults hold
// their env's state weakly: nothing of a torn-down env is ever touched.
JsResult ValueResult(std::weak_ptr<AddonState> weakState, Value value) {
  auto shared = std::make_shared<Value>(std::move(value));
  return [weakState, shared](Napi::Env env) -> Napi::Value {
    std::shared_ptr<AddonState> state = weakState.lock();
    return state ? ValueToJs(env, *state, std::move(*shared)) : env.Undefined();
  };
}

// The callers' security descriptor, built before the first COM thread starts (it sets process security).
void CheckCallerAccess(Napi::Env env) {
  try {
    CallerAccess::Process();
  } catch (const CallerAccess::Invalid& invalid) {
    ThrowArgError(env, false, "ERR_INVALID_ARG_VALUE", invalid.message);
  }
}

// callerAccess(): who may call into this process's sinks, in SDDL.
Napi::Value CallerAccessOf(const Napi::CallbackInfo& info) {
  CheckCallerAccess(info.Env());
  return Napi::String::New(info.Env(), CallerAccess::Process().Sddl());
}

const char* SecurityName(ComThread::Security security) {
  switch (security) {
    case ComThread::Security::Ours:
      return "ours";
    case ComThread::Security::HostProcess:
      return "host process";
    case ComThread::Security::Defaults:
      return "defaults";
    default:
      return "not set yet";
  }
}

// diagnostics(): what the addon holds process-wide, for tests and bug reports: COM threads (running, idle
// in the pool, abandoned to a host that stopped answering), timers waiting on the local thread, and whose
// COM security is in force (callerAccess() describes the callers' list only when it is ours).
Napi::Value DiagnosticsOf(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ComThread::Census census = ComThread::Count();
  ComThread::Security security = ComThread::SecurityInForce();
  // The local thread sets process security when it starts: a look must not start it.
  size_t timers = security == ComThread::Security::NotSetYet ? 0 : ComThread::Local().TimerCount();
  Napi::Object result = Napi::Object::New(env);
  result.Set("threads", Napi::Number::New(env, static_cast<double>(census.running)));
  result.Set("idleThreads", Napi::Number::New(env, static_cast<double>(census.idle)));
  result.Set("abandonedThreads", Napi::Number::New(env, static_cast<double>(census.abandoned)));
  result.Set("timers", Napi::Number::New(env, static_cast<double>(timers)));
  result.Set("comSecurity", Napi::String::New(env, SecurityName(security)));
  Napi::Object live = Napi::Object::New(env);
  live.Set("connections", Napi::Number::New(env, static_cast<double>(LiveCount<HostConnection>::Now())));
  live.Set("objects", Napi::Number::New(env, static_cast<double>(LiveCount<ComObject>::Now())));
  live.Set("subscriptions", Napi::Number::New(env, static_cast<double>(LiveCount<Subscription>::Now())));
  live.Set("deliveries", Napi::Number::New(env, static_cast<double>(LiveCount<Delivery>::Now())));
  result.Set("live", live);
  return result;
}

// useKnownHresults(table): lib/hresults.ts's [hresult, name, message?] rows, which name HRESULTs in messages.
Napi::Value UseKnownHresultsOf(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsArray()) ThrowInvalidType(env, "table", "an array of [hresult, name, message?] rows");
  Napi::Array rows = info[0].As<Napi::Array>();
  KnownHresults table;
  for (uint32_t i = 0; i < rows.Length(); ++i) {
    Napi::Value row = rows.Get(i);
    std::string what = "table[" + std::to_string(i) + "]";
    if (!row.IsArray()) ThrowInvalidType(env, what, "an array [hresult, name, message?]");
    Napi::Array cells = row.As<Napi::Array>();
    Napi::Value hresult = cells.Get(0u), name = cells.Get(1u), message = cells.Get(2u);
    if (!hresult.IsNumber() || !name.IsString() || !(message.IsUndefined() || message.IsString())) {
      ThrowInvalidType(env, what, "[number, string, string?]");
    }
    KnownHresult& known = table[static_cast<unsigned long>(hresult.As<Napi::Number>().Int64Value() & 0xFFFFFFFF)];
    known.name = name.As<Napi::String>().Utf8Value();
    if (message.IsString()) known.message = message.As<Napi::String>().Utf8Value();
  }
  UseKnownHresults(std::move(table));
  return env.Undefined();
}

Napi::Value Connect(const Napi::CallbackInfo& info) {
  AddonState& state = StateOf(info);
  ConnectOptions options = ReadConnectOptions(info[0]);
  CheckCallerAccess(info.Env());
  std::shared_ptr<HostConnection> host = OpenConnection(options);
  ComError stuck;
  if (host->RefusedForStuckCalls(&stuck)) return RejectedPromise(info.Env(), ToJsError(info.Env(), stuck));
  std::weak_ptr<AddonState> weakState = state.weak_from_this();
  return RunOnConnection(info.Env(), *host, [weakState, options, host]() -> JsResult {
    std::shared_ptr<ComObject> object = ActivateRoot(options, host);
    return [weakState, object](Napi::Env env) -> Napi::Value {
      std::shared_ptr<AddonState> state = weakState.lock();
      return state ? ObjectHandle::New(*state, object) : env.Undefined();
    };
  });
}

Napi::Value Get(const Napi::CallbackInfo& info) {
  AddonState& state = StateOf(info);
  std::shared_ptr<ComObject> target = HandedOutObject(state, info[0], "target");
  std::wstring name = MemberName(info[1]);
  auto args = std::make_shared<std::vector<Value>>(Arguments(state, info[2], true));
  return RunOnConnection(info.Env(), *target->host, [weakState = state.weak_from_this(), target, name, args] {
    return ValueResult(weakState, GetProperty(*target, name, *args));
  });
}

Napi::Value Put(const Napi::CallbackInfo& info) {
  AddonState& state = StateOf(info);
  std::shared_ptr<ComObject> target = HandedOutObject(state, info[0], "target");
  std::wstring name = MemberName(info[1]);
  auto value = std::make_shared<Value>(ValueFromJs(state, info[2], "value"));
  return RunOnConnection(info.Env(), *target->host, [target, name, value]() -> JsResult {
    PutProperty(*target, name, *value);
    return [](Napi::Env env) { return env.Undefined(); };
  });
}

Napi::Value Call(const Napi::CallbackInfo& info) {
  AddonState& state = StateOf(info);
  std::shared_ptr<ComObject> target = HandedOutObject(state, info[0], "target");
  std::wstring name = MemberName(info[1]);
  auto args = std::make_shared<std::vector<Value>>(Arguments(state, info[2], false));
  return RunOnConnection(info.Env(), *target->host, [weakState = state.weak_from_this(), target, name, args] {
    return ValueResult(weakState, CallMethod(*target, name, *args));
  });
}

Napi::Value Items(const Napi::CallbackInfo& info) {
  AddonState& state = StateOf(info);
  std::shared_ptr<ComObject> collection = HandedOutObject(state, info[0], "collection");
  return RunOnConnection(info.Env(), *collection->host, [weakState = state.weak_from_this(), collection] {
    Value list;
    list.kind = Value::Kind::Array;
    list.items = CollectionItems(*collection);
    return ValueResult(weakState, std::move(list));
  });
}

// Resolves once the reference has gone out: the Release runs on the connection's worker (a remote call for
// a proxy), so the Promise settles when the worker and the prober have run what was queued up to it, each
// by the call deadline at the latest. A process that ends right after would otherwise leave the server
// holding the object (until DCOM's pinging gives up, some minutes on Windows; for good under Wine, which
// does not ping). Never rejects: a release that could not be confirmed is no failure of the caller's.
Napi::Value Release(const Napi::CallbackInfo& info) {
  AddonState& state = StateOf(info);
  Napi::Env env = info.Env();
  std::shared_ptr<ComObject> object = ObjectHandle::From(state, info[0], "target");  // null: released before
  Napi::ObjectWrap<ObjectHandle>::Unwrap(info[0].As<Napi::Object>())->Release();
  if (!object) {
    Napi::Promise::Deferred done = Napi::Promise::Deferred::New(env);
    done.Resolve(env.Undefined());
    return done.Promise();
  }
  std::shared_ptr<HostConnection> host = object->host;
  object.reset();  // the last reference, unless a subscription still holds one: its Release is queued now
  // The work holds the connection: when this was its last object, the connection would otherwise go as this
  // function returns, and with it the deadline that settles the call if the host hangs in the release.
  Napi::Promise worker = RunOnConnection(
      env, *host, [host] { return JsResult([](Napi::Env env) -> Napi::Value { return env.Undefined(); }); });
  // The prober's queue too: an ended subscription's reference for probes is released there. Waited for
  // apart from the worker, so that a busy prober never holds up the connection's calls.
  Napi::Promise prober = RunThrough(env, *host->prober(), host->callTimeout());
  Napi::Array both = Napi::Array::New(env, 2);
  both.Set(0u, worker);
  both.Set(1u, prober);
  Napi::Object promiseClass = env.Global().Get("Promise").As<Napi::Object>();
  Napi::Value all = promiseClass.Get("allSettled").As<Napi::Function>().Call(promiseClass, {both});
  Napi::Function settle =
      Napi::Function::New(env, [](const Napi::CallbackInfo& done) { return done.Env().Undefined(); });
  return all.As<Napi::Object>().Get("then").As<Napi::Function>().Call(all, {settle, settle});
}

Napi::Value DescribeEventsOf(const Napi::CallbackInfo& info) {
  AddonState& state = StateOf(info);
  std::shared_ptr<ComObject> target = HandedOutObject(state, info[0], "target");
  return RunOnConnection(info.Env(), *target->host, [target]() -> JsResult {
    auto interfaces = std::make_shared<std::vector<EventInterface>>(DescribeEvents(*target));
    return [interfaces](Napi::Env env) -> Napi::Value {
      Napi::Array result = Napi::Array::New(env, interfaces->size());
      for (uint32_t i = 0; i < interfaces->size(); ++i) result.Set(i, EventInterfaceToJs(env, (*interfaces)[i]));
      return result;
    };
  });
}

Napi::Value Subscribe(const Napi::CallbackInfo& info) {
  AddonState& state = StateOf(info);
  std::shared_ptr<ComObject> target = ObjectHandle::From(state, info[0], "target");
  SubscribeSetup setup = ReadSubscribeOptions(state, info[1]);  // bad options throw even for a released target
  if (!target) {
    setup.delivery->Discard();
    throw ReleasedObjectUsed{"target"};
  }
  std::shared_ptr<Delivery> delivery = setup.delivery;
  std::weak_ptr<AddonState> weakState = state.weak_from_this();
  return RunOnConnection(info.Env(), *target->host,
                         [target, request = std::move(setup.request), delivery, weakState]() -> JsResult {
                           std::shared_ptr<Subscription> subscription;
                           try {
                             subscription = Subscription::Start(target, request, delivery);
                           } catch (...) {
                             delivery->Discard();  // never opened: its callbacks are never called
                             throw;
                           }
                           return [weakState, subscription, delivery](Napi::Env env) -> Napi::Value {
                             std::shared_ptr<AddonState> alive = weakState.lock();
                             if (!alive) return env.Undefined();
                             return SubscriptionHandle::New(*alive, subscription, delivery);
                           };
                         });
}

// Ends every subscription of the env, and gives each connection's worker until `bound` (in all) to tell
// its server: a server must not keep sinks of a client that is gone. Unresponsive connections are not
// waited for. `releaseObjects`: let go of every object JS held too (only once JS can run no more).
void EndEverything(AddonState& state, std::chrono::milliseconds bound, bool releaseObjects) {
  std::set<std::shared_ptr<HostConnection>> hosts;
  for (const std::shared_ptr<Subscription>& subscription : state.liveSubscriptions) {
    std::shared_ptr<HostConnection> host = subscription->Host();
    if (host) hosts.insert(host);
    subscription->Close();
  }
  state.liveSubscriptions.clear();
  if (releaseObjects) {
    for (const std::weak_ptr<ComObject>& held : state.handedOut) {
      std::shared_ptr<ComObject> object = held.lock();
      if (!object) continue;
      hosts.insert(object->host);
      object->host->worker()->Post([object] { object->dispatch.Reset(); });
    }
  }
  ComThread::Clock::time_point until = ComThread::Clock::now() + bound;
  for (const std::shared_ptr<HostConnection>& host : hosts) {
    if (!host->IsUnresponsive()) host->worker()->Flush(until);
  }
}

// closeForExit(): lib/binding.ts calls it from process.on('exit'). process.exit() runs no env cleanup hook
// on the main thread, so without it every advised sink would stay on its server. Objects stay usable:
// other 'exit' listeners may still run JS.
Napi::Value CloseForExit(const Napi::CallbackInfo& info) {
  EndEverything(StateOf(info), std::chrono::milliseconds(1000), false);
  return info.Env().Undefined();
}

void Cleanup(void* data) {
  auto* owner = static_cast<std::shared_ptr<AddonState>*>(data);
  // The env is going away (worker exit, process end): JS can be called no more.
  EndEverything(**owner, std::chrono::milliseconds(2000), true);
  delete owner;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* owner = new std::shared_ptr<AddonState>(std::make_shared<AddonState>());
  AddonState* state = owner->get();
  napi_add_env_cleanup_hook(env, Cleanup, owner);
  state->objectClass = Napi::Persistent(ObjectHandle::DefineClass(env, state));
  state->subscriptionClass = Napi::Persistent(SubscriptionHandle::DefineClass(env, state));

  uint32_t napiVersion = 0;
  napi_get_version(env, &napiVersion);
  exports.Set("addonVersion", Napi::String::New(env, VSE_STRINGIFY(VSE_ADDON_VERSION)));
  exports.Set("napiVersion", Napi::Number::New(env, napiVersion));
  const struct {
    const char* name;
    Napi::Value (*function)(const Napi::CallbackInfo&);
  } functions[] = {
      {"connect", Connect},
      {"get", RejectReleased<Get>},
      {"put", RejectReleased<Put>},
      {"call", RejectReleased<Call>},
      {"items", RejectReleased<Items>},
      {"release", Release},
      {"describeEvents", RejectReleased<DescribeEventsOf>},
      {"subscribe", RejectReleased<Subscribe>},
      {"callerAccess", CallerAccessOf},
      {"diagnostics", DiagnosticsOf},
      {"closeForExit", CloseForExit},
      {"useKnownHresults", UseKnownHresultsOf},
  };
  for (const auto& entry : functions) {
    exports.Set(entry.name, Napi::Function::New(env, entry.function, entry.name, state));
  }
  return exports;
}

}  // namespace
}  // namespace vse

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return vse::Init(env, exports); }

NODE_API_MODULE(virtual_server_events, InitModule)
