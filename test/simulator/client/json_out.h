// JSON-lines output of the test client: one object per line, whole lines only (events arrive on COM's
// RPC threads while commands run on the main thread).
#pragma once
#include <windows.h>
#include <oaidl.h>

#include <string>

// `text` as a JSON string literal (non-ASCII as \u escapes of its UTF-16 units).
std::string JsonString(const std::wstring& text);
std::string JsonHresult(HRESULT hr);  // "0x8000FFFF"
std::string JsonGuid(REFGUID guid);
// {"vt":<VARTYPE>,"value":<number|string|bool|null|"object">}
std::string JsonVariant(const VARIANT& value);
void EmitLine(const std::string& json);
