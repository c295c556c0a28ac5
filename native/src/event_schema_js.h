// An EventInterface as lib/binding.ts's NativeEventInterface, on the JS thread.
#pragma once
#include <napi.h>

#include "event_schema.h"

namespace vse {

Napi::Object EventInterfaceToJs(Napi::Env env, const EventInterface& schema);

}  // namespace vse
