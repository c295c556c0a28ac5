// UTF-16 (COM's BSTR/OLECHAR, JS strings) <-> UTF-8 (C++ messages) and BSTR helpers.
#pragma once
#include <windows.h>
#include <oleauto.h>

#include <string>

namespace vse {

std::string Utf8FromWide(const wchar_t* text, size_t length);
std::string Utf8FromWide(const std::wstring& text);
std::wstring WideFromUtf8(const std::string& text);

// Windows' wchar_t and JS's char16_t are both UTF-16 code units.
inline std::wstring WideFromU16(const std::u16string& text) {
  return std::wstring(reinterpret_cast<const wchar_t*>(text.data()), text.size());
}
inline std::u16string U16FromWide(const wchar_t* text, size_t length) {
  return std::u16string(reinterpret_cast<const char16_t*>(text), length);
}
inline std::u16string U16FromWide(const std::wstring& text) { return U16FromWide(text.data(), text.size()); }
inline std::u16string U16FromBstr(BSTR text) {
  return text == nullptr ? std::u16string() : U16FromWide(text, SysStringLen(text));
}

// Owns a BSTR (SysFreeString at scope end).
class Bstr {
 public:
  Bstr() = default;
  explicit Bstr(const std::wstring& text) : value_(SysAllocStringLen(text.data(), static_cast<UINT>(text.size()))) {}
  ~Bstr() { SysFreeString(value_); }
  Bstr(const Bstr&) = delete;
  Bstr& operator=(const Bstr&) = delete;
  BSTR get() const { return value_; }
  BSTR* out() {
    SysFreeString(value_);
    value_ = nullptr;
    return &value_;
  }
  std::string Utf8() const { return value_ ? Utf8FromWide(value_, SysStringLen(value_)) : std::string(); }

 private:
  BSTR value_ = nullptr;
};

std::string GuidToString(const GUID& guid);

// '{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}', checked on the JS thread so that a typo is a TypeError.
bool IsGuidText(const std::wstring& text);

}  // namespace vse
