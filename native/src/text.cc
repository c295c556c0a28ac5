#include "text.h"

#include <cwctype>

namespace vse {

std::string Utf8FromWide(const wchar_t* text, size_t length) {
  if (length == 0) return std::string();
  int size = WideCharToMultiByte(CP_UTF8, 0, text, static_cast<int>(length), nullptr, 0, nullptr, nullptr);
  std::string result(static_cast<size_t>(size), '\0');
  WideCharToMultiByte(CP_UTF8, 0, text, static_cast<int>(length), &result[0], size, nullptr, nullptr);
  return result;
}

std::string Utf8FromWide(const std::wstring& text) { return Utf8FromWide(text.data(), text.size()); }

std::wstring WideFromUtf8(const std::string& text) {
  if (text.empty()) return std::wstring();
  int size = MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), nullptr, 0);
  std::wstring result(static_cast<size_t>(size), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), &result[0], size);
  return result;
}

std::string GuidToString(const GUID& guid) {
  wchar_t buffer[40] = {};
  int length = StringFromGUID2(guid, buffer, 40);
  return length > 1 ? Utf8FromWide(buffer, static_cast<size_t>(length - 1)) : std::string();
}

bool IsGuidText(const std::wstring& text) {
  static const wchar_t kPattern[] = L"{hhhhhhhh-hhhh-hhhh-hhhh-hhhhhhhhhhhh}";
  if (text.size() != sizeof kPattern / sizeof kPattern[0] - 1) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (kPattern[i] == L'h' ? !std::iswxdigit(text[i]) : text[i] != kPattern[i]) return false;
  }
  return true;
}

}  // namespace vse
