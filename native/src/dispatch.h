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
// Far more than a host holds (Virtual Server runs at most a few hundred VMs): a collection that gives more
// is an enumerator that does not end, and fails rather than keep the worker.
constexpr size_t kMaxCollectionItems = 65536;
std::vector<Value> CollectionItems(ComObject& collection);

}  // namespace vse
