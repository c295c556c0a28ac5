#include "value.h"

#include <cmath>
#include <cstring>

#include "hresult.h"
#include "host_connection.h"
#include "text.h"

namespace vse {
namespace {

constexpr double kMsPerDay = 86400000.0;
constexpr double kEpochAsOleDate = 25569.0;  // 1970-01-01 in days since 1899-12-30

// An OLE DATE counts days from 1899-12-30; before it, the whole part is negative but the fraction still
// counts forward from that day's midnight (-1.25 is 1899-12-29 06:00).
double EpochMsFromOleDate(DATE date) {
  double whole = std::trunc(date);
  double fraction = std::fabs(date - whole);
  return (whole - kEpochAsOleDate) * kMsPerDay + fraction * kMsPerDay;
}

DATE OleDateFromEpochMs(double ms) {
  double days = ms / kMsPerDay + kEpochAsOleDate;
  if (days >= 0) return days;
  double whole = std::floor(days);
  double fraction = days - whole;
  return fraction == 0 ? whole : whole - fraction;
}

Value Unsupported(const std::string& what) {
  Value value;
  value.kind = Value::Kind::Unsupported;
  value.text.assign(what.begin(), what.end());  // ASCII
  return value;
}

// Element types a SAFEARRAY may hold here, with their size: anything else (VT_RECORD above all, whose
// elements are structures of any size) is refused before a byte is copied into a VARIANT.
size_t ElementSize(VARTYPE type) {
  switch (type) {
    case VT_I1:
    case VT_UI1:
      return 1;
    case VT_I2:
    case VT_UI2:
    case VT_BOOL:
      return 2;
    case VT_I4:
    case VT_UI4:
    case VT_INT:
    case VT_UINT:
    case VT_R4:
    case VT_ERROR:
      return 4;
    case VT_I8:
    case VT_UI8:
    case VT_R8:
    case VT_CY:
    case VT_DATE:
      return 8;
    case VT_BSTR:
    case VT_DISPATCH:
    case VT_UNKNOWN:
      return sizeof(void*);
    case VT_DECIMAL:
      return sizeof(DECIMAL);
    case VT_VARIANT:
      return sizeof(VARIANT);
    default:
      return 0;
  }
}

Value FromSafeArray(SAFEARRAY* array, VARTYPE declaredType, const std::shared_ptr<HostConnection>& host, int depth);

// depth: how many SAFEARRAYs enclose this one.
Value FromPlainVariant(const VARIANT& variant, const std::shared_ptr<HostConnection>& host, int depth) {
  Value value;
  switch (variant.vt) {
    case VT_EMPTY:
      value.kind = Value::Kind::Empty;
      return value;
    case VT_NULL:
      value.kind = Value::Kind::Null;
      return value;
    case VT_BOOL:
      value.kind = Value::Kind::Boolean;
      value.boolean = variant.boolVal != VARIANT_FALSE;
      return value;
    case VT_I8:
      value.kind = Value::Kind::Int64;
      value.int64 = variant.llVal;
      return value;
    case VT_UI8:
      value.kind = Value::Kind::UInt64;
      value.uint64 = variant.ullVal;
      return value;
    case VT_BSTR:
      value.kind = Value::Kind::String;
      value.text = U16FromBstr(variant.bstrVal);
      return value;
    case VT_DATE:
      value.kind = Value::Kind::Date;
      value.number = EpochMsFromOleDate(variant.date);
      return value;
    default:
      break;
  }
  value.kind = Value::Kind::Number;
  switch (variant.vt) {
    case VT_I1:
      value.number = variant.cVal;
      return value;
    case VT_UI1:
      value.number = variant.bVal;
      return value;
    case VT_I2:
      value.number = variant.iVal;
      return value;
    case VT_UI2:
      value.number = variant.uiVal;
      return value;
    case VT_I4:
      value.number = variant.lVal;
      return value;
    case VT_UI4:
      value.number = variant.ulVal;
      return value;
    case VT_INT:
      value.number = variant.intVal;
      return value;
    case VT_UINT:
      value.number = variant.uintVal;
      return value;
    case VT_R4:
      value.number = variant.fltVal;
      return value;
    case VT_R8:
      value.number = variant.dblVal;
      return value;
    case VT_ERROR:
      value.number = static_cast<double>(static_cast<unsigned long>(variant.scode));
      return value;
    case VT_CY:
      value.number = static_cast<double>(variant.cyVal.int64) / 10000.0;
      return value;
    case VT_DECIMAL:
      VarR8FromDec(const_cast<DECIMAL*>(&variant.decVal), &value.number);
      return value;
    default:
      break;
  }
  if (variant.vt == VT_DISPATCH || variant.vt == VT_UNKNOWN) {
    value.kind = Value::Kind::Object;
    // Made on an RPC thread for an event argument: released on the connection's worker all the same.
    std::shared_ptr<ComThread> home = host ? host->worker() : ComThread::Current();
    if (variant.vt == VT_DISPATCH) {
      value.object = ComRef<IDispatch>::Share(variant.pdispVal, home);
    } else if (variant.punkVal != nullptr) {
      if (host) host->security().Apply(variant.punkVal);  // the QueryInterface below is a remote call
      IDispatch* dispatch = nullptr;
      if (FAILED(variant.punkVal->QueryInterface(IID_IDispatch, reinterpret_cast<void**>(&dispatch)))) {
        return Unsupported("an object without IDispatch (VT_UNKNOWN), which cannot be called late-bound");
      }
      value.object = ComRef<IDispatch>::Adopt(dispatch, home);
    }
    if (host) host->security().Apply(value.object.get());
    value.host = host;
    return value;
  }
  if ((variant.vt & VT_ARRAY) != 0) return FromSafeArray(variant.parray, variant.vt & VT_TYPEMASK, host, depth + 1);
  return Unsupported("a VARIANT of type " + VarTypeName(variant.vt) + ", which has no JS equivalent");
}

Value FromSafeArray(SAFEARRAY* array, VARTYPE declaredType, const std::shared_ptr<HostConnection>& host, int depth) {
  Value value;
  value.kind = Value::Kind::Array;
  if (array == nullptr) return value;
  if (depth > kMaxValueDepth) {
    return Unsupported("SAFEARRAYs nested more than " + std::to_string(kMaxValueDepth) + " levels deep");
  }
  if (SafeArrayGetDim(array) != 1) return Unsupported("a multi-dimensional SAFEARRAY");
  // The array says what it holds; the VARIANT's type is only the sender's claim.
  VARTYPE elementType = VT_EMPTY;
  if (FAILED(SafeArrayGetVartype(array, &elementType)) || elementType != declaredType) {
    return Unsupported("a SAFEARRAY whose elements are not the " + VarTypeName(declaredType) + " its VARIANT declares");
  }
  if (ElementSize(elementType) == 0 || SafeArrayGetElemsize(array) != ElementSize(elementType)) {
    return Unsupported("a SAFEARRAY of " + VarTypeName(elementType) + " elements");
  }
  LONG lower = 0, upper = -1;
  SafeArrayGetLBound(array, 1, &lower);
  SafeArrayGetUBound(array, 1, &upper);
  for (LONG index = lower; index <= upper; ++index) {
    Variant element;
    HRESULT hr;
    if (elementType == VT_VARIANT) {
      hr = SafeArrayGetElement(array, &index, element.get());
    } else if (elementType == VT_DECIMAL) {
      DECIMAL decimal;
      hr = SafeArrayGetElement(array, &index, &decimal);
      element.get()->decVal = decimal;  // overlays the whole VARIANT, vt included: set vt after
      element.get()->vt = VT_DECIMAL;
    } else {
      hr = SafeArrayGetElement(array, &index, &element.get()->llVal);  // the union's first byte
      if (SUCCEEDED(hr)) element.get()->vt = elementType;
    }
    if (FAILED(hr)) ThrowHresult(hr, "reading element " + std::to_string(index) + " of a SAFEARRAY");
    value.items.push_back(FromPlainVariant(*element, host, depth));
  }
  return value;
}

// hops: how many by-reference VARIANTs led here (counted apart from arrays: a [in] VARIANT of a vtable
// interface arrives as one, and must not cost its value a level).
Value FromVariant(const VARIANT& variant, const std::shared_ptr<HostConnection>& host, int depth, int hops) {
  if ((variant.vt & VT_BYREF) == 0) return FromPlainVariant(variant, host, depth);
  if (variant.vt == (VT_BYREF | VT_VARIANT)) {
    if (hops >= kMaxValueDepth) {
      return Unsupported("a chain of more than " + std::to_string(kMaxValueDepth) + " by-reference VARIANTs");
    }
    return variant.pvarVal == nullptr ? Value() : FromVariant(*variant.pvarVal, host, depth, hops + 1);
  }
  if (variant.byref == nullptr) return Value();
  Variant copy;
  HRESULT hr = VariantCopyInd(copy.get(), const_cast<VARIANT*>(&variant));
  if (FAILED(hr)) ThrowHresult(hr, "reading a by-reference " + VarTypeName(variant.vt) + " argument");
  return FromPlainVariant(*copy, host, depth);
}

}  // namespace

Value ValueFromVariant(const VARIANT& variant, const std::shared_ptr<HostConnection>& host) {
  return FromVariant(variant, host, 0, 0);
}

void VariantFromValue(const Value& value, VARIANT* variant) {
  VariantInit(variant);
  switch (value.kind) {
    case Value::Kind::Empty:
    case Value::Kind::Unsupported:
      return;
    case Value::Kind::Null:
      variant->vt = VT_NULL;
      return;
    case Value::Kind::Boolean:
      variant->vt = VT_BOOL;
      variant->boolVal = value.boolean ? VARIANT_TRUE : VARIANT_FALSE;
      return;
    case Value::Kind::Number:
      // Whole numbers that fit go as VT_I4, which every automation server takes for a long or an index.
      if (std::trunc(value.number) == value.number && value.number >= -2147483648.0 && value.number <= 2147483647.0 &&
          !(value.number == 0 && std::signbit(value.number))) {
        variant->vt = VT_I4;
        variant->lVal = static_cast<LONG>(value.number);
      } else {
        variant->vt = VT_R8;
        variant->dblVal = value.number;
      }
      return;
    case Value::Kind::Int64:
      variant->vt = VT_I8;
      variant->llVal = value.int64;
      return;
    case Value::Kind::UInt64:
      variant->vt = VT_UI8;
      variant->ullVal = value.uint64;
      return;
    case Value::Kind::String:
      variant->vt = VT_BSTR;
      variant->bstrVal =
          SysAllocStringLen(reinterpret_cast<const OLECHAR*>(value.text.data()), static_cast<UINT>(value.text.size()));
      return;
    case Value::Kind::Date:
      variant->vt = VT_DATE;
      variant->date = OleDateFromEpochMs(value.number);
      return;
    case Value::Kind::Object:
      variant->vt = VT_DISPATCH;
      variant->pdispVal = value.object ? value.object.get() : value.borrowedObject;
      if (variant->pdispVal != nullptr) variant->pdispVal->AddRef();
      return;
    case Value::Kind::Array: {
      SAFEARRAY* array = SafeArrayCreateVector(VT_VARIANT, 0, static_cast<ULONG>(value.items.size()));
      if (array == nullptr) ThrowHresult(E_OUTOFMEMORY, "making a SAFEARRAY");
      for (LONG index = 0; index < static_cast<LONG>(value.items.size()); ++index) {
        Variant element;
        VariantFromValue(value.items[static_cast<size_t>(index)], element.get());
        SafeArrayPutElement(array, &index, element.get());  // copies
      }
      variant->vt = VT_ARRAY | VT_VARIANT;
      variant->parray = array;
      return;
    }
  }
}

void StoreIntoByRef(const VARIANT& source, VARIANT* target, bool replacesInput) {
  VARTYPE type = target->vt & ~VT_BYREF;
  if (target->byref == nullptr) return;
  if (type == VT_VARIANT) {
    // An [in,out] slot holds the caller's value, which the callee frees; an [out] slot holds nothing of use.
    if (replacesInput)
      VariantClear(target->pvarVal);
    else
      VariantInit(target->pvarVal);
    VariantCopy(target->pvarVal, const_cast<VARIANT*>(&source));
    return;
  }
  Variant converted;
  HRESULT hr = VariantChangeType(converted.get(), const_cast<VARIANT*>(&source), 0, type);
  if (FAILED(hr)) ThrowHresult(hr, "converting the answer to " + VarTypeName(type));
  VARIANT& result = *converted.get();
  switch (type) {
    case VT_I1:
    case VT_UI1:
      std::memcpy(target->byref, &result.bVal, 1);
      return;
    case VT_I2:
    case VT_UI2:
    case VT_BOOL:
      std::memcpy(target->byref, &result.iVal, 2);
      return;
    case VT_I4:
    case VT_UI4:
    case VT_INT:
    case VT_UINT:
    case VT_R4:
    case VT_ERROR:
      std::memcpy(target->byref, &result.lVal, 4);
      return;
    case VT_I8:
    case VT_UI8:
    case VT_R8:
    case VT_DATE:
    case VT_CY:
      std::memcpy(target->byref, &result.llVal, 8);
      return;
    case VT_BSTR:
    case VT_DISPATCH:
    case VT_UNKNOWN:
      if (replacesInput) {  // the caller's [in] string or reference is ours to free before it is replaced
        void* old = *static_cast<void**>(target->byref);
        if (type == VT_BSTR)
          SysFreeString(static_cast<BSTR>(old));
        else if (old != nullptr)
          static_cast<IUnknown*>(old)->Release();
      }
      // The caller now owns the string or reference: take it away from `converted`.
      *static_cast<void**>(target->byref) = result.byref;
      result.vt = VT_EMPTY;
      return;
    default:
      ThrowComError(error_code::kComError, "cannot answer an [out] parameter of type " + VarTypeName(type));
  }
}

std::string VarTypeName(VARTYPE vt) {
  static const struct {
    VARTYPE type;
    const char* name;
  } kNames[] = {
      {VT_EMPTY, "VT_EMPTY"},
      {VT_NULL, "VT_NULL"},
      {VT_I2, "VT_I2"},
      {VT_I4, "VT_I4"},
      {VT_R4, "VT_R4"},
      {VT_R8, "VT_R8"},
      {VT_CY, "VT_CY"},
      {VT_DATE, "VT_DATE"},
      {VT_BSTR, "VT_BSTR"},
      {VT_DISPATCH, "VT_DISPATCH"},
      {VT_ERROR, "VT_ERROR"},
      {VT_BOOL, "VT_BOOL"},
      {VT_VARIANT, "VT_VARIANT"},
      {VT_UNKNOWN, "VT_UNKNOWN"},
      {VT_DECIMAL, "VT_DECIMAL"},
      {VT_I1, "VT_I1"},
      {VT_UI1, "VT_UI1"},
      {VT_UI2, "VT_UI2"},
      {VT_UI4, "VT_UI4"},
      {VT_I8, "VT_I8"},
      {VT_UI8, "VT_UI8"},
      {VT_INT, "VT_INT"},
      {VT_UINT, "VT_UINT"},
      {VT_VOID, "VT_VOID"},
      {VT_HRESULT, "VT_HRESULT"},
      {VT_PTR, "VT_PTR"},
      {VT_SAFEARRAY, "VT_SAFEARRAY"},
      {VT_CARRAY, "VT_CARRAY"},
      {VT_USERDEFINED, "VT_USERDEFINED"},
      {VT_LPSTR, "VT_LPSTR"},
      {VT_LPWSTR, "VT_LPWSTR"},
      {VT_RECORD, "VT_RECORD"},
  };
  std::string prefix;
  if (vt & VT_ARRAY) prefix += "VT_ARRAY|";
  if (vt & VT_BYREF) prefix += "VT_BYREF|";
  VARTYPE base = vt & VT_TYPEMASK;
  for (const auto& entry : kNames) {
    if (entry.type == base) return prefix + entry.name;
  }
  return prefix + "VARTYPE " + std::to_string(base);
}

}  // namespace vse
