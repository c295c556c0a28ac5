#include "event_schema_js.h"

#include "text.h"

namespace vse {
namespace {

const char* DirectionName(EventParam::Direction direction) {
  switch (direction) {
    case EventParam::Direction::Out:
      return "out";
    case EventParam::Direction::InOut:
      return "inout";
    default:
      return "in";
  }
}

}  // namespace

Napi::Object EventInterfaceToJs(Napi::Env env, const EventInterface& schema) {
  Napi::Object result = Napi::Object::New(env);
  result.Set("name", Napi::String::New(env, U16FromWide(schema.name)));
  result.Set("iid", Napi::String::New(env, GuidToString(schema.iid)));
  result.Set("kind",
             Napi::String::New(env, schema.kind == EventInterface::Kind::Dispinterface ? "dispinterface" : "vtable"));
  Napi::Array methods = Napi::Array::New(env, schema.methods.size());
  for (uint32_t m = 0; m < schema.methods.size(); ++m) {
    const EventMethod& method = schema.methods[m];
    Napi::Object jsMethod = Napi::Object::New(env);
    jsMethod.Set("name", Napi::String::New(env, U16FromWide(method.name)));
    jsMethod.Set("dispid", Napi::Number::New(env, method.dispid));
    jsMethod.Set("vtableSlot", Napi::Number::New(env, method.vtableSlot));
    Napi::Array params = Napi::Array::New(env, method.params.size());
    for (uint32_t p = 0; p < method.params.size(); ++p) {
      const EventParam& param = method.params[p];
      Napi::Object jsParam = Napi::Object::New(env);
      jsParam.Set("name", Napi::String::New(env, U16FromWide(param.name)));
      jsParam.Set("vt", Napi::Number::New(env, param.vt));
      jsParam.Set("type", Napi::String::New(env, param.typeName));
      jsParam.Set("direction", Napi::String::New(env, DirectionName(param.direction)));
      params.Set(p, jsParam);
    }
    jsMethod.Set("params", params);
    methods.Set(m, jsMethod);
  }
  result.Set("methods", methods);
  return result;
}

}  // namespace vse
