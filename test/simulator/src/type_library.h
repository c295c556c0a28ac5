// The type library embedded in this exe (resource TYPELIB 1), loaded once.
#pragma once
#include <windows.h>
#include <oaidl.h>

// The ITypeInfo of `guid` in the embedded library (a new reference), or nullptr.
ITypeInfo* EmbeddedTypeInfo(REFGUID guid);
// The embedded library itself (a new reference), or nullptr; `hr` receives the failure.
ITypeLib* EmbeddedTypeLib(HRESULT* hr);
// Full path of this exe.
const wchar_t* ExePath();
