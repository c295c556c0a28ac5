// Typed arguments of the test client's `call` command (README.md): s:, i:, r:, b:, d:, e:, n:, o:.
#pragma once
#include <windows.h>
#include <oaidl.h>

#include <map>
#include <string>

std::wstring FromUtf8(const std::string& text);
// Parses `field` into `out` (VariantClear it afterwards); false with `error` set when malformed.
bool ParseArgument(const std::wstring& field, const std::map<std::wstring, IDispatch*>& handles, VARIANT* out,
                   std::wstring* error);
