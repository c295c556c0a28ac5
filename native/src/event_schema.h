// Reads an object's source (event) interfaces at run time: its connection points give the IIDs, the
// object's own type library (or the registered Virtual Server one) gives each interface's kind,
// methods, DISPIDs, vtable slots and parameter types. Nothing about any interface is compiled in.
#pragma once
#include <windows.h>
#include <oaidl.h>

#include <string>
#include <vector>

#include "com_object.h"

namespace vse {

struct EventParam {
  enum class Direction { In, Out, InOut };
  std::wstring name;
  VARTYPE vt = VT_EMPTY;  // without VT_BYREF; enums read as VT_I4, interface pointers as VT_DISPATCH/VT_UNKNOWN
  bool byRef = false;     // passed as a pointer to vt
  std::string typeName;   // 'BSTR', 'VARIANT_BOOL*', or the enum's name
  Direction direction = Direction::In;
};

struct EventMethod {
  std::wstring name;
  DISPID dispid = DISPID_UNKNOWN;
  int vtableSlot = -1;  // -1: reachable through IDispatch::Invoke only (a pure dispinterface)
  std::vector<EventParam> params;
};

struct EventInterface {
  enum class Kind { Dispinterface, Vtable };
  std::wstring name;
  IID iid = IID_NULL;
  Kind kind = Kind::Dispinterface;
  std::vector<EventMethod> methods;

  const EventMethod* FindByDispid(DISPID dispid) const;
};

// The object's connection worker. Every source interface of `object`: the coclass's [default, source] first
// where the object names its class (IProvideClassInfo), the others in connection-point order. Throws ComFailure
// (ERR_VS_EVENTS_UNAVAILABLE) when the object has no connection points or none can be described.
std::vector<EventInterface> DescribeEvents(ComObject& object);

}  // namespace vse
