#include "com_object.h"

#include <algorithm>

#include "arg_errors.h"
#include "hresult.h"

namespace vse {
namespace {

// Only the addon makes handles: it passes this token, so `new` from JS cannot make an empty one.
int constructToken = 0;

}  // namespace

Napi::Function ObjectHandle::DefineClass(Napi::Env env, AddonState* state) {
  return Napi::ObjectWrap<ObjectHandle>::DefineClass(env, "NativeObject", {}, state);
}

Napi::Object ObjectHandle::New(AddonState& state, std::shared_ptr<ComObject> object) {
  Napi::Env env = state.objectClass.Env();
  Napi::Object handle = state.objectClass.New({Napi::External<int>::New(env, &constructToken)});
  if (state.handedOut.size() >= 64 && state.handedOut.size() == state.handedOut.capacity()) {
    state.handedOut.erase(std::remove_if(state.handedOut.begin(), state.handedOut.end(),
                                         [](const std::weak_ptr<ComObject>& held) { return held.expired(); }),
                          state.handedOut.end());
  }
  state.handedOut.push_back(object);
  Unwrap(handle)->object_ = std::move(object);
  return handle;
}

ObjectHandle::ObjectHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ObjectHandle>(info) {
  if (info.Length() != 1 || !info[0].IsExternal() || info[0].As<Napi::External<int>>().Data() != &constructToken) {
    throw Napi::TypeError::New(info.Env(),
                               "NativeObject cannot be constructed: objects come from connect(), get() and call()");
  }
}

std::shared_ptr<ComObject> ObjectHandle::From(AddonState& state, const Napi::Value& value, const char* what) {
  if (!value.IsObject() || !value.As<Napi::Object>().InstanceOf(state.objectClass.Value())) {
    ThrowInvalidType(value.Env(), what, "a NativeObject (from connect(), get(), call() or items())");
  }
  return Unwrap(value.As<Napi::Object>())->object_;
}

Napi::Error ReleasedError(Napi::Env env, const std::string& what) {
  ComError error;
  error.code = error_code::kReleased;
  error.message = "The \"" + what + "\" object was released with release(): get a new one from the server";
  return ToJsError(env, error);
}

}  // namespace vse
