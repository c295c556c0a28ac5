#include "event_schema.h"

#include <ocidl.h>

#include <algorithm>

#include "hresult.h"
#include "text.h"
#include "value.h"

namespace vse {
namespace {

// Virtual Server 2005 Type Library, version 1.1: where to look when an object serves no type information.
const GUID kVirtualServerLibid = {0xD7526A6D, 0xCF83, 0x48A4, {0x87, 0xFD, 0x4F, 0xBE, 0x2A, 0xEC, 0x5D, 0x93}};

class TypeAttr {
 public:
  explicit TypeAttr(ITypeInfo* info) : info_(info) {
    ThrowIfFailed(info->GetTypeAttr(&attr_), "reading a type's attributes from the type library");
  }
  ~TypeAttr() { info_->ReleaseTypeAttr(attr_); }
  TypeAttr(const TypeAttr&) = delete;
  TypeAttr& operator=(const TypeAttr&) = delete;
  const TYPEATTR* operator->() const { return attr_; }

 private:
  ITypeInfo* info_;
  TYPEATTR* attr_ = nullptr;
};

class FuncDesc {
 public:
  FuncDesc(ITypeInfo* info, UINT index) : info_(info) {
    ThrowIfFailed(info->GetFuncDesc(index, &desc_), "reading a method from the type library");
  }
  ~FuncDesc() { info_->ReleaseFuncDesc(desc_); }
  FuncDesc(const FuncDesc&) = delete;
  FuncDesc& operator=(const FuncDesc&) = delete;
  const FUNCDESC* operator->() const { return desc_; }

 private:
  ITypeInfo* info_;
  FUNCDESC* desc_ = nullptr;
};

std::string BaseTypeName(VARTYPE vt) {
  switch (vt) {
    case VT_I1:
      return "char";
    case VT_UI1:
      return "unsigned char";
    case VT_I2:
      return "short";
    case VT_UI2:
      return "unsigned short";
    case VT_I4:
      return "long";
    case VT_UI4:
      return "unsigned long";
    case VT_INT:
      return "int";
    case VT_UINT:
      return "unsigned int";
    case VT_I8:
      return "hyper";
    case VT_UI8:
      return "unsigned hyper";
    case VT_R4:
      return "float";
    case VT_R8:
      return "double";
    case VT_CY:
      return "CURRENCY";
    case VT_DATE:
      return "DATE";
    case VT_BSTR:
      return "BSTR";
    case VT_BOOL:
      return "VARIANT_BOOL";
    case VT_VARIANT:
      return "VARIANT";
    case VT_DECIMAL:
      return "DECIMAL";
    case VT_ERROR:
      return "SCODE";
    case VT_DISPATCH:
      return "IDispatch*";
    case VT_UNKNOWN:
      return "IUnknown*";
    case VT_HRESULT:
      return "HRESULT";
    default:
      return VarTypeName(vt);
  }
}

// Type descriptions nested deeper than this (pointers, arrays, aliases) are refused: a type library with
// an alias cycle must not exhaust the stack.
constexpr int kMaxTypeNesting = 32;

// Fills vt/byRef/typeName from a parameter's TYPEDESC, resolving aliases, enums and interface pointers.
void ReadType(ITypeInfo* owner, const TYPEDESC& desc, EventParam& param, int pointerDepth = 0, int nesting = 0) {
  if (nesting > kMaxTypeNesting) {
    ThrowComError(error_code::kEventsUnavailable,
                  "the type of parameter " + Utf8FromWide(param.name) + " is nested more than " +
                      std::to_string(kMaxTypeNesting) +
                      " levels deep in the type library (an alias that refers to itself?)");
  }
  if (desc.vt == VT_PTR) {
    // A pointer to an interface is the interface pointer itself; any other pointer is by reference.
    ReadType(owner, *desc.lptdesc, param, pointerDepth + 1, nesting + 1);
    return;
  }
  if (desc.vt == VT_SAFEARRAY) {
    EventParam element;
    element.name = param.name;
    ReadType(owner, *desc.lptdesc, element, 0, nesting + 1);
    param.vt = VT_ARRAY | element.vt;
    param.typeName = "SAFEARRAY(" + element.typeName + ")";
    param.byRef = pointerDepth > 0;
    if (param.byRef) param.typeName += "*";
    return;
  }
  if (desc.vt == VT_USERDEFINED) {
    ComRef<ITypeInfo> referenced;
    ThrowIfFailed(owner->GetRefTypeInfo(desc.hreftype, referenced.out()), "resolving a user-defined type");
    Bstr name;
    referenced->GetDocumentation(MEMBERID_NIL, name.out(), nullptr, nullptr, nullptr);
    TypeAttr attr(referenced.get());
    switch (attr->typekind) {
      case TKIND_ALIAS:
        ReadType(referenced.get(), attr->tdescAlias, param, pointerDepth, nesting + 1);
        param.typeName = name.Utf8() + (pointerDepth > 0 ? "*" : "");
        return;
      case TKIND_ENUM:
        param.vt = VT_I4;
        param.byRef = pointerDepth > 0;
        param.typeName = name.Utf8() + (param.byRef ? "*" : "");
        return;
      case TKIND_DISPATCH:
      case TKIND_INTERFACE:
        param.vt = attr->typekind == TKIND_DISPATCH || (attr->wTypeFlags & TYPEFLAG_FDUAL) ? VT_DISPATCH : VT_UNKNOWN;
        param.byRef = pointerDepth > 1;
        param.typeName = name.Utf8() + std::string(static_cast<size_t>(pointerDepth), '*');
        return;
      default:
        param.vt = VT_RECORD;  // structs and unions: not sinkable, the sink planner says so
        param.byRef = pointerDepth > 0;
        param.typeName = name.Utf8() + std::string(static_cast<size_t>(pointerDepth), '*');
        return;
    }
  }
  // Type libraries write IDispatch* and IUnknown* as VT_DISPATCH / VT_UNKNOWN themselves, with no VT_PTR.
  param.vt = desc.vt;
  param.byRef = pointerDepth > 0;
  param.typeName = BaseTypeName(desc.vt) + std::string(static_cast<size_t>(pointerDepth), '*');
}

EventMethod ReadMethod(ITypeInfo* info, UINT index) {
  FuncDesc func(info, index);
  EventMethod method;
  method.dispid = func->memid;
  struct Names {  // freed however the method ends
    std::vector<BSTR> list;
    ~Names() {
      for (BSTR name : list) SysFreeString(name);
    }
  } owned{std::vector<BSTR>(static_cast<size_t>(func->cParams) + 1, nullptr)};
  std::vector<BSTR>& names = owned.list;
  UINT nameCount = 0;
  info->GetNames(func->memid, names.data(), static_cast<UINT>(names.size()), &nameCount);
  if (nameCount > 0 && names[0] != nullptr) method.name.assign(names[0], SysStringLen(names[0]));
  for (SHORT i = 0; i < func->cParams; ++i) {
    const ELEMDESC& element = func->lprgelemdescParam[i];
    EventParam param;
    size_t nameIndex = static_cast<size_t>(i) + 1;
    if (nameIndex < nameCount && names[nameIndex] != nullptr) {
      param.name.assign(names[nameIndex], SysStringLen(names[nameIndex]));
    } else {
      param.name = L"arg" + std::to_wstring(i);
    }
    ReadType(info, element.tdesc, param);
    USHORT flags = element.paramdesc.wParamFlags;
    bool in = (flags & PARAMFLAG_FIN) != 0, out = (flags & PARAMFLAG_FOUT) != 0;
    param.direction =
        out ? (in ? EventParam::Direction::InOut : EventParam::Direction::Out) : EventParam::Direction::In;
    method.params.push_back(std::move(param));
  }
  return method;
}

// The type info of `iid`: from the object's own type library, then from the registered Virtual Server one.
// Every interface the server hands out is a proxy of its own that needs the connection's blanket
// before its first call (explicit credentials, or security preset by the host process).
ComRef<ITypeInfo> FindTypeInfo(ComObject& object, const IID& iid) {
  auto secure = [&object](IUnknown* proxy) { object.host->security().Apply(proxy); };
  ComRef<ITypeLib> library;
  ComRef<ITypeInfo> objectInfo;
  UINT index = 0;
  if (SUCCEEDED(object.dispatch->GetTypeInfo(0, LOCALE_USER_DEFAULT, objectInfo.out())) && objectInfo) {
    secure(objectInfo.get());
    objectInfo->GetContainingTypeLib(library.out(), &index);
  }
  ComRef<ITypeInfo> result;
  secure(library.get());
  if (library && SUCCEEDED(library->GetTypeInfoOfGuid(iid, result.out()))) {
    secure(result.get());
    return result;
  }
  ComRef<IProvideClassInfo> classInfoProvider = object.dispatch.Query<IProvideClassInfo>(IID_IProvideClassInfo);
  secure(classInfoProvider.get());
  ComRef<ITypeInfo> classInfo;
  if (classInfoProvider && SUCCEEDED(classInfoProvider->GetClassInfo(classInfo.out())) && classInfo) {
    secure(classInfo.get());
    if (SUCCEEDED(classInfo->GetContainingTypeLib(library.out(), &index))) {
      secure(library.get());
      if (SUCCEEDED(library->GetTypeInfoOfGuid(iid, result.out()))) {
        secure(result.get());
        return result;
      }
    }
  }
  if (SUCCEEDED(LoadRegTypeLib(kVirtualServerLibid, 1, 1, LOCALE_NEUTRAL, library.out())) &&
      SUCCEEDED(library->GetTypeInfoOfGuid(iid, result.out()))) {
    return result;
  }
  ThrowComError(error_code::kEventsUnavailable,
                "the source interface " + GuidToString(iid) +
                    " is described neither in the object's type library nor in the registered Virtual Server "
                    "type library (LIBID {D7526A6D-CF83-48A4-87FD-4FBE2AEC5D93} 1.1): its events cannot be read. "
                    "Register the server's type library on this host.");
}

EventInterface DescribeInterface(ComObject& object, const IID& iid) {
  ComRef<ITypeInfo> info = FindTypeInfo(object, iid);
  EventInterface result;
  result.iid = iid;
  Bstr name;
  info->GetDocumentation(MEMBERID_NIL, name.out(), nullptr, nullptr, nullptr);
  result.name.assign(name.get() ? name.get() : L"", name.get() ? SysStringLen(name.get()) : 0);
  TypeAttr attr(info.get());
  if (attr->typekind != TKIND_DISPATCH && attr->typekind != TKIND_INTERFACE) {
    ThrowComError(error_code::kEventsUnavailable,
                  "the source interface " + Utf8FromWide(result.name) +
                      " is neither a dispinterface nor an interface in its type library");
  }
  result.kind = attr->typekind == TKIND_DISPATCH ? EventInterface::Kind::Dispinterface : EventInterface::Kind::Vtable;
  for (UINT i = 0; i < attr->cFuncs; ++i) {
    EventMethod method = ReadMethod(info.get(), i);
    if (result.kind == EventInterface::Kind::Vtable) {
      FuncDesc func(info.get(), i);
      method.vtableSlot = func->oVft / static_cast<int>(sizeof(void*));
    }
    result.methods.push_back(std::move(method));
  }
  // A dual source interface can be called either way: take the vtable slots from its interface view.
  ComRef<ITypeInfo> vtableView;
  HREFTYPE vtableRef = 0;
  if (result.kind == EventInterface::Kind::Dispinterface && (attr->wTypeFlags & TYPEFLAG_FDUAL) &&
      SUCCEEDED(info->GetRefTypeOfImplType(static_cast<UINT>(-1), &vtableRef)) &&
      SUCCEEDED(info->GetRefTypeInfo(vtableRef, vtableView.out()))) {
    TypeAttr vtableAttr(vtableView.get());
    for (UINT i = 0; i < vtableAttr->cFuncs; ++i) {
      FuncDesc func(vtableView.get(), i);
      for (EventMethod& method : result.methods) {
        if (method.dispid == func->memid) method.vtableSlot = func->oVft / static_cast<int>(sizeof(void*));
      }
    }
  }
  // Wine lists IUnknown's and IDispatch's methods in a dual's dispatch view: they are not events.
  std::vector<EventMethod> events;
  for (EventMethod& method : result.methods) {
    bool inherited = method.name == L"QueryInterface" || method.name == L"AddRef" || method.name == L"Release" ||
                     method.name == L"GetTypeInfoCount" || method.name == L"GetTypeInfo" ||
                     method.name == L"GetIDsOfNames" || method.name == L"Invoke";
    if (!inherited) events.push_back(std::move(method));
  }
  result.methods = std::move(events);
  return result;
}

// The coclass's [default, source] interface, where the object names its class (IProvideClassInfo).
bool FindDefaultSource(ComObject& object, IID* iid) {
  ComRef<IProvideClassInfo> provider = object.dispatch.Query<IProvideClassInfo>(IID_IProvideClassInfo);
  if (!provider) return false;
  object.host->security().Apply(provider.get());
  ComRef<ITypeInfo> classInfo;
  if (FAILED(provider->GetClassInfo(classInfo.out())) || !classInfo) return false;
  object.host->security().Apply(classInfo.get());
  TypeAttr attr(classInfo.get());
  constexpr INT kDefaultSource = IMPLTYPEFLAG_FDEFAULT | IMPLTYPEFLAG_FSOURCE;
  for (UINT index = 0; index < attr->cImplTypes; ++index) {
    INT flags = 0;
    HREFTYPE reference = 0;
    if (FAILED(classInfo->GetImplTypeFlags(index, &flags)) || (flags & kDefaultSource) != kDefaultSource) continue;
    ComRef<ITypeInfo> source;
    if (FAILED(classInfo->GetRefTypeOfImplType(index, &reference)) ||
        FAILED(classInfo->GetRefTypeInfo(reference, source.out())) || !source) {
      return false;
    }
    object.host->security().Apply(source.get());
    *iid = TypeAttr(source.get())->guid;
    return true;
  }
  return false;
}

}  // namespace

const EventMethod* EventInterface::FindByDispid(DISPID dispid) const {
  for (const EventMethod& method : methods) {
    if (method.dispid == dispid) return &method;
  }
  return nullptr;
}

std::vector<EventInterface> DescribeEvents(ComObject& object) {
  ComRef<IConnectionPointContainer> container =
      object.dispatch.Query<IConnectionPointContainer>(IID_IConnectionPointContainer);
  if (!container) {
    ThrowComError(
        error_code::kEventsUnavailable,
        "the object has no connection points (it does not implement IConnectionPointContainer), so it fires no events");
  }
  object.host->security().Apply(container.get());
  ComRef<IEnumConnectionPoints> points;
  ThrowIfFailed(container->EnumConnectionPoints(points.out()), "listing the object's connection points");
  object.host->security().Apply(points.get());
  std::vector<EventInterface> interfaces;
  std::string reasons;
  for (;;) {
    ComRef<IConnectionPoint> point;
    ULONG fetched = 0;
    if (points->Next(1, point.out(), &fetched) != S_OK || fetched == 0) break;
    object.host->security().Apply(point.get());
    IID iid;
    if (FAILED(point->GetConnectionInterface(&iid))) continue;
    try {
      interfaces.push_back(DescribeInterface(object, iid));
    } catch (const ComFailure& failure) {
      reasons += (reasons.empty() ? "" : "; ") + failure.error().message;
    }
  }
  if (interfaces.empty()) {
    ThrowComError(error_code::kEventsUnavailable,
                  reasons.empty() ? "the object has no connection points, so it fires no events"
                                  : "none of the object's source interfaces can be described: " + reasons);
  }
  // The coclass's default source first: the one subscribe() takes when not told which.
  IID preferred;
  if (FindDefaultSource(object, &preferred)) {
    std::stable_partition(interfaces.begin(), interfaces.end(), [&preferred](const EventInterface& item) {
      return IsEqualIID(item.iid, preferred) != FALSE;
    });
  }
  return interfaces;
}

}  // namespace vse
