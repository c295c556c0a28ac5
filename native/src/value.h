// A VARIANT as plain C++ data, so that it can cross from COM threads to the JS thread without either
// side touching the other's world: made from a VARIANT on a COM thread, made into JS on the JS thread
// (value_js.h), and the other way round for arguments.
#pragma once
#include <windows.h>
#include <oaidl.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "com_ref.h"

namespace vse {

class HostConnection;

struct Value {
  enum class Kind {
    Empty,        // VT_EMPTY -> undefined
    Null,         // VT_NULL -> null
    Boolean,      // VT_BOOL
    Number,       // every integer up to 32 bits, floats, CY, DECIMAL, VT_ERROR
    Int64,        // VT_I8 -> BigInt
    UInt64,       // VT_UI8 -> BigInt
    String,       // VT_BSTR
    Date,         // VT_DATE, as ms since the epoch (the DATE is read as UTC)
    Object,       // VT_DISPATCH (null pointer -> JS null)
    Array,        // one-dimensional SAFEARRAY
    Unsupported,  // a VARIANT type JS has no equivalent for; `text` says which
  };

  Kind kind = Kind::Empty;
  bool boolean = false;
  double number = 0;  // Number and Date
  int64_t int64 = 0;
  uint64_t uint64 = 0;
  std::u16string text;
  ComRef<IDispatch> object;
  std::shared_ptr<HostConnection> host;  // the connection the object came from; kept with it
  // An object JS passed in: borrowed from its handle, which `objectOwner` keeps alive until the call ends.
  IDispatch* borrowedObject = nullptr;
  std::shared_ptr<const void> objectOwner;
  std::vector<Value> items;

  Value() = default;
  Value(Value&&) = default;
  Value& operator=(Value&&) = default;
};

// Values nested deeper than this (SAFEARRAYs of SAFEARRAYs, by-reference VARIANT chains, JS arrays)
// are refused: a server or a caller must not be able to exhaust the native stack.
constexpr int kMaxValueDepth = 32;

// COM thread. Reads a VARIANT (VT_BYREF too) without taking ownership of it. Nesting past kMaxValueDepth
// and arrays whose elements are not what they claim become Unsupported values. Dispatch pointers get their
// own reference, released on `host`'s worker, and its proxy blanket. Throws ComFailure for what cannot be read.
Value ValueFromVariant(const VARIANT& variant, const std::shared_ptr<HostConnection>& host);

// COM thread. Writes a Value into a VARIANT the caller then owns (VariantClear).
void VariantFromValue(const Value& value, VARIANT* variant);

// Any thread. Writes `source`, converted, into a by-reference [out] slot (byRefTarget->vt is VT_BYREF | vt).
// replacesInput: an [in,out] slot, whose string, reference or VARIANT is freed before it is replaced.
void StoreIntoByRef(const VARIANT& source, VARIANT* byRefTarget, bool replacesInput);

// "VT_I4", "VT_ARRAY|VT_BSTR"...: for error messages.
std::string VarTypeName(VARTYPE vt);

// Owns a VARIANT (VariantClear at scope end).
class Variant {
 public:
  Variant() { VariantInit(&value_); }
  ~Variant() { VariantClear(&value_); }
  Variant(const Variant&) = delete;
  Variant& operator=(const Variant&) = delete;
  VARIANT* get() { return &value_; }
  const VARIANT& operator*() const { return value_; }

 private:
  VARIANT value_;
};

}  // namespace vse
