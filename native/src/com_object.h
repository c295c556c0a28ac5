// A COM object as JS holds it (the NativeObject of lib/binding.ts): an opaque handle around the
// IDispatch, the connection it belongs to (its thread, security and deadlines) and its name -> DISPID cache.
#pragma once
#include <windows.h>
#include <oaidl.h>

#include <memory>
#include <string>
#include <unordered_map>

#include <napi.h>

#include "addon_state.h"
#include "com_ref.h"
#include "host_connection.h"
#include "live_count.h"

namespace vse {

struct ComObject {
  // Declared first, so destroyed last: the proxy's release is queued before the connection, and its
  // credentials, can go (host_connection.h).
  std::shared_ptr<HostConnection> host;
  ComRef<IDispatch> dispatch;
  std::unordered_map<std::wstring, DISPID> dispids;  // the connection's worker only
  LiveCount<ComObject> live;
};

class ObjectHandle : public Napi::ObjectWrap<ObjectHandle> {
 public:
  static Napi::Function DefineClass(Napi::Env env, AddonState* state);
  // JS thread: a new handle owning `object`.
  static Napi::Object New(AddonState& state, std::shared_ptr<ComObject> object);
  // JS thread: the object behind an argument. Throws TypeError when `value` is not a NativeObject of this
  // env; returns null when it was released.
  static std::shared_ptr<ComObject> From(AddonState& state, const Napi::Value& value, const char* what);

  explicit ObjectHandle(const Napi::CallbackInfo& info);
  // The last reference to the COM object goes with the handle (released on the COM thread).
  void Release() { object_.reset(); }

 private:
  std::shared_ptr<ComObject> object_;
};

// Thrown on the JS thread when an argument is a released object; the entry point turns it into a
// Promise rejected with ReleasedError (ERR_VS_RELEASED), as the contract says.
struct ReleasedObjectUsed {
  std::string what;
};

// The error a released object's use rejects with.
Napi::Error ReleasedError(Napi::Env env, const std::string& what);

}  // namespace vse
