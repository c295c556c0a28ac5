// /regserver and /unregserver of one host: HKLM\Software\Classes (Wine's COM ignores HKCU classes).
#pragma once
#include <windows.h>

#include <string>

#include "host.h"

// Registers the type library and the host's two classes. On failure `error` says which step failed.
HRESULT RegisterServer(const Host& host, std::wstring* error);
// Removes the host's two classes, and the type library once no host is registered.
void UnregisterServer(const Host& host);
