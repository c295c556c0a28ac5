#include "dispatch.h"

#include "hresult.h"
#include "text.h"

namespace vse {
namespace {

DISPID DispidOf(ComObject& object, const std::wstring& name) {
  auto cached = object.dispids.find(name);
  if (cached != object.dispids.end()) return cached->second;
  DISPID dispid = DISPID_UNKNOWN;
  LPOLESTR names[] = {const_cast<LPOLESTR>(name.c_str())};
  HRESULT hr = object.dispatch->GetIDsOfNames(IID_NULL, names, 1, LOCALE_USER_DEFAULT, &dispid);
  if (hr == DISP_E_UNKNOWNNAME) {
    ComError error = ErrorFromHresult(hr, "looking up \"" + Utf8FromWide(name) + "\"");
    error.message += ". The object has no member of that name: check its spelling against the object's documentation.";
    throw ComFailure(error);
  }
  if (FAILED(hr)) ThrowHresult(hr, "looking up \"" + Utf8FromWide(name) + "\"");
  object.dispids.emplace(name, dispid);
  return dispid;
}

// Invoke with `args` in JS order (DISPPARAMS wants them last to first); `putValue`, when given, is the
// named DISPID_PROPERTYPUT argument.
void InvokeRaw(ComObject& object, DISPID dispid, WORD flags, const std::vector<Value>& args, const Value* putValue,
               const std::string& doing, Variant& result) {
  std::vector<VARIANT> variants(args.size() + (putValue ? 1 : 0));
  struct Clear {
    std::vector<VARIANT>& variants;
    ~Clear() {
      for (VARIANT& variant : variants) VariantClear(&variant);
    }
  } clear{variants};
  for (VARIANT& variant : variants) VariantInit(&variant);
  size_t next = 0;
  DISPID putDispid = DISPID_PROPERTYPUT;
  if (putValue != nullptr) VariantFromValue(*putValue, &variants[next++]);
  for (auto arg = args.rbegin(); arg != args.rend(); ++arg) VariantFromValue(*arg, &variants[next++]);
  DISPPARAMS params = {variants.data(), putValue ? &putDispid : nullptr, static_cast<UINT>(variants.size()),
                       putValue ? 1u : 0u};

  EXCEPINFO exception = {};
  UINT badArgument = 0;
  HRESULT hr = object.dispatch->Invoke(dispid, IID_NULL, LOCALE_USER_DEFAULT, flags, &params,
                                       putValue ? nullptr : result.get(), &exception, &badArgument);
  struct FreeException {
    EXCEPINFO& info;
    ~FreeException() {
      SysFreeString(info.bstrSource);
      SysFreeString(info.bstrDescription);
      SysFreeString(info.bstrHelpFile);
    }
  } freeException{exception};
  if (hr == DISP_E_TYPEMISMATCH || hr == DISP_E_PARAMNOTFOUND) {
    // badArgument counts from the end, as DISPPARAMS does.
    size_t position = variants.size() - 1 - badArgument;
    ThrowHresult(hr, doing + " (argument " + std::to_string(putValue ? position : position + 1) + ")");
  }
  if (FAILED(hr)) ThrowHresult(hr, doing, &exception);
}

Value Invoke(ComObject& object, DISPID dispid, WORD flags, const std::vector<Value>& args, const Value* putValue,
             const std::string& doing) {
  Variant result;
  InvokeRaw(object, dispid, flags, args, putValue, doing, result);
  Value value = ValueFromVariant(*result, object.host);
  if (value.kind == Value::Kind::Unsupported) {
    ThrowComError(error_code::kComError, doing + " returned " + std::string(value.text.begin(), value.text.end()));
  }
  return value;
}

}  // namespace

Value GetProperty(ComObject& object, const std::wstring& name, const std::vector<Value>& args) {
  return Invoke(object, DispidOf(object, name), DISPATCH_PROPERTYGET, args, nullptr,
                "getting property \"" + Utf8FromWide(name) + "\"");
}

void PutProperty(ComObject& object, const std::wstring& name, const Value& value) {
  DISPID dispid = DispidOf(object, name);
  std::string doing = "setting property \"" + Utf8FromWide(name) + "\"";
  // Object-valued properties are often put by reference only.
  WORD flags = value.kind == Value::Kind::Object ? DISPATCH_PROPERTYPUTREF : DISPATCH_PROPERTYPUT;
  try {
    Invoke(object, dispid, flags, {}, &value, doing);
  } catch (const ComFailure& failure) {
    if (flags != DISPATCH_PROPERTYPUTREF || failure.error().hresult != DISP_E_MEMBERNOTFOUND) throw;
    Invoke(object, dispid, DISPATCH_PROPERTYPUT, {}, &value, doing);
  }
}

Value CallMethod(ComObject& object, const std::wstring& name, const std::vector<Value>& args) {
  return Invoke(object, DispidOf(object, name), DISPATCH_METHOD | DISPATCH_PROPERTYGET, args, nullptr,
                "calling \"" + Utf8FromWide(name) + "\"");
}

std::vector<Value> CollectionItems(ComObject& collection) {
  const char* doing = "enumerating the collection (_NewEnum)";
  Variant enumerable;
  InvokeRaw(collection, DISPID_NEWENUM, DISPATCH_METHOD | DISPATCH_PROPERTYGET, {}, nullptr, doing, enumerable);
  ComRef<IEnumVARIANT> enumerator;
  if (((*enumerable).vt == VT_UNKNOWN || (*enumerable).vt == VT_DISPATCH) && (*enumerable).punkVal != nullptr) {
    // QueryInterface on a proxy is a remote call too: it needs the blanket first.
    collection.host->security().Apply((*enumerable).punkVal);
    (*enumerable).punkVal->QueryInterface(IID_IEnumVARIANT, reinterpret_cast<void**>(enumerator.out()));
  }
  if (!enumerator) {
    ThrowComError(error_code::kComError,
                  std::string(doing) + " failed: _NewEnum gave no IEnumVARIANT, so this object is not a collection");
  }
  collection.host->security().Apply(enumerator.get());
  std::vector<Value> items;
  constexpr ULONG kBatch = 16;
  size_t seen = 0;
  for (;;) {
    VARIANT batch[kBatch];
    for (VARIANT& variant : batch) VariantInit(&variant);
    ULONG fetched = 0;
    HRESULT hr = enumerator->Next(kBatch, batch, &fetched);
    if (FAILED(hr)) ThrowHresult(hr, doing);
    // A server's count is not trusted past the array it was given.
    if (fetched > kBatch) fetched = kBatch;
    seen += fetched;
    for (ULONG i = 0; i < fetched; ++i) {
      if (seen <= kMaxCollectionItems) items.push_back(ValueFromVariant(batch[i], collection.host));
      VariantClear(&batch[i]);
    }
    if (hr == S_FALSE || fetched == 0) break;
    if (seen > kMaxCollectionItems) {
      // An enumerator that never ends would otherwise keep the connection's worker for good.
      ThrowComError(error_code::kComError, std::string(doing) + " failed: the collection gave more than " +
                                               std::to_string(kMaxCollectionItems) +
                                               " items and did not end; the server's enumerator is broken");
    }
  }
  return items;
}

}  // namespace vse
