// Late-bound calls through IDispatch, on the object's connection worker: names -> DISPIDs (cached per object), Invoke
// for property get/put and methods, and a collection's items through _NewEnum.
#pragma once
#include <string>
#include <vector>

#include "com_object.h"
#include "value.h"

namespace vse {

Value GetProperty(ComObject& object, const std::wstring& name, const std::vector<Value>& args);
void PutProperty(ComObject& object, const std::wstring& name, const Value& value);
Value CallMethod(ComObject& object, const std::wstring& name, const std::vector<Value>& args);
std::vector<Value> CollectionItems(ComObject& collection);

}  // namespace vse
