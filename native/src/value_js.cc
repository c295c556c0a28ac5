#include "value_js.h"

#include <cerrno>
#include <cstdlib>

#include "arg_errors.h"
#include "com_object.h"
#include "hresult.h"

namespace vse {
namespace {

// Node-API 5 has no BigInt functions (they came in 6): go through the global BigInt and String.
Napi::Value MakeBigInt(Napi::Env env, const std::string& decimal) {
  return env.Global().Get("BigInt").As<Napi::Function>().Call({Napi::String::New(env, decimal)});
}

Value BigIntValue(const Napi::Value& value, const std::string& what) {
  std::string decimal = value.ToString().Utf8Value();
  Value result;
  errno = 0;
  char* end = nullptr;
  if (!decimal.empty() && decimal[0] == '-') {
    result.kind = Value::Kind::Int64;
    result.int64 = std::strtoll(decimal.c_str(), &end, 10);
  } else {
    result.kind = Value::Kind::UInt64;
    result.uint64 = std::strtoull(decimal.c_str(), &end, 10);
    if (errno == 0 && result.uint64 <= static_cast<uint64_t>(INT64_MAX)) {
      result.kind = Value::Kind::Int64;  // VT_I8 where it fits, as most servers expect
      result.int64 = static_cast<int64_t>(result.uint64);
    }
  }
  if (errno == ERANGE) {
    ThrowOutOfRange(value.Env(), what, ">= -(2n ** 63n) and < 2n ** 64n (a 64-bit VARIANT)");
  }
  return result;
}

}  // namespace

Napi::Value ValueToJs(Napi::Env env, AddonState& state, Value&& value) {
  switch (value.kind) {
    case Value::Kind::Empty:
      return env.Undefined();
    case Value::Kind::Null:
      return env.Null();
    case Value::Kind::Boolean:
      return Napi::Boolean::New(env, value.boolean);
    case Value::Kind::Number:
      return Napi::Number::New(env, value.number);
    case Value::Kind::Int64:
      return MakeBigInt(env, std::to_string(value.int64));
    case Value::Kind::UInt64:
      return MakeBigInt(env, std::to_string(value.uint64));
    case Value::Kind::String:
      return Napi::String::New(env, value.text);
    case Value::Kind::Date:
      return Napi::Date::New(env, value.number);
    case Value::Kind::Object: {
      if (!value.object) return env.Null();
      auto object = std::make_shared<ComObject>();
      object->dispatch = std::move(value.object);
      object->host = std::move(value.host);
      return ObjectHandle::New(state, std::move(object));
    }
    case Value::Kind::Array: {
      Napi::Array array = Napi::Array::New(env, value.items.size());
      for (uint32_t index = 0; index < value.items.size(); ++index) {
        array.Set(index, ValueToJs(env, state, std::move(value.items[index])));
      }
      return array;
    }
    case Value::Kind::Unsupported: {
      Napi::Error error =
          Napi::Error::New(env, "The addon cannot convert " + Napi::String::New(env, value.text).Utf8Value());
      error.Set("code", Napi::String::New(env, error_code::kUnsupportedVariant));
      return error.Value();
    }
  }
  return env.Undefined();
}

namespace {

// arrayLevels: how many arrays enclose `value`.
Value ValueFromJsAt(AddonState& state, const Napi::Value& value, const std::string& what, int arrayLevels) {
  Value result;
  switch (value.Type()) {
    case napi_undefined:
      result.kind = Value::Kind::Empty;
      return result;
    case napi_null:
      result.kind = Value::Kind::Null;
      return result;
    case napi_boolean:
      result.kind = Value::Kind::Boolean;
      result.boolean = value.As<Napi::Boolean>().Value();
      return result;
    case napi_number:
      result.kind = Value::Kind::Number;
      result.number = value.As<Napi::Number>().DoubleValue();
      return result;
    case napi_bigint:
      return BigIntValue(value, what);
    case napi_string:
      result.kind = Value::Kind::String;
      result.text = value.As<Napi::String>().Utf16Value();
      return result;
    case napi_object:
      break;
    default:
      ThrowInvalidType(value.Env(), what,
                       "a VARIANT-compatible value (undefined, null, boolean, number, bigint, string, Date, "
                       "NativeObject or an array of them)");
  }
  if (value.IsDate()) {
    result.kind = Value::Kind::Date;
    result.number = value.As<Napi::Date>().ValueOf();
    return result;
  }
  if (value.IsArray()) {
    if (arrayLevels >= kMaxValueDepth) {
      ThrowInvalidValue(value.Env(), what,
                        "a value within " + std::to_string(kMaxValueDepth) +
                            " levels of nested arrays (an array that contains itself never ends)");
    }
    Napi::Array array = value.As<Napi::Array>();
    result.kind = Value::Kind::Array;
    for (uint32_t index = 0; index < array.Length(); ++index) {
      result.items.push_back(
          ValueFromJsAt(state, array.Get(index), what + "[" + std::to_string(index) + "]", arrayLevels + 1));
    }
    return result;
  }
  if (value.As<Napi::Object>().InstanceOf(state.objectClass.Value())) {
    std::shared_ptr<ComObject> object = ObjectHandle::From(state, value, what.c_str());
    if (!object) throw ReleasedObjectUsed{what};
    // The COM thread adds the reference when it builds the VARIANT; keep the object alive until then.
    result.kind = Value::Kind::Object;
    result.borrowedObject = object->dispatch.get();
    result.objectOwner = object;
    return result;
  }
  ThrowInvalidType(value.Env(), what,
                   "a VARIANT-compatible value (undefined, null, boolean, number, bigint, string, Date, NativeObject "
                   "or an array of them)");
}

}  // namespace

Value ValueFromJs(AddonState& state, const Napi::Value& value, const std::string& what) {
  return ValueFromJsAt(state, value, what, 0);
}

}  // namespace vse
