#include "values.h"

#include <cwchar>

std::wstring FromUtf8(const std::string& text) {
  if (text.empty()) return std::wstring();
  const int length = MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), nullptr, 0);
  std::wstring wide(static_cast<size_t>(length), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), &wide[0], length);
  return wide;
}

bool ParseArgument(const std::wstring& field, const std::map<std::wstring, IDispatch*>& handles, VARIANT* out,
                   std::wstring* error) {
  VariantInit(out);
  if (field.size() < 2 || field[1] != L':') {
    *error = L"argument \"" + field + L"\" has no type prefix (s: i: r: b: d: e: n: o:)";
    return false;
  }
  const std::wstring value = field.substr(2);
  wchar_t* end = nullptr;
  switch (field[0]) {
    case L's':
      V_VT(out) = VT_BSTR;
      V_BSTR(out) = SysAllocStringLen(value.data(), static_cast<UINT>(value.size()));
      return true;
    case L'i':
      V_VT(out) = VT_I4;
      V_I4(out) = static_cast<LONG>(wcstol(value.c_str(), &end, 10));
      break;
    case L'r':
    case L'd':
      V_VT(out) = field[0] == L'r' ? VT_R8 : VT_DATE;
      V_R8(out) = wcstod(value.c_str(), &end);  // VT_DATE is a double too
      break;
    case L'b':
      if (value != L"true" && value != L"false") break;
      V_VT(out) = VT_BOOL;
      V_BOOL(out) = value == L"true" ? VARIANT_TRUE : VARIANT_FALSE;
      return true;
    case L'e':
      return true;
    case L'n':
      V_VT(out) = VT_NULL;
      return true;
    case L'o': {
      const auto found = handles.find(value);
      if (found == handles.end()) {
        *error = L"no handle named \"" + value + L"\"";
        return false;
      }
      V_VT(out) = VT_DISPATCH;
      V_DISPATCH(out) = found->second;
      found->second->AddRef();
      return true;
    }
    default:
      break;
  }
  if (end != nullptr && end != value.c_str() && *end == L'\0') return true;
  VariantClear(out);
  *error = L"argument \"" + field + L"\" is not a valid value of its type";
  return false;
}
