// /regserver and /unregserver of one host or all of them: HKLM\Software\Classes (Wine's COM ignores HKCU classes).
#pragma once
#include <windows.h>

#include <string>
#include <vector>

#include "host.h"

// Registers the type library and the host's two classes. On failure `error` says which step failed.
HRESULT RegisterServer(const Host& host, std::wstring* error);
// Removes the host's two classes, and the type library once no host is registered.
void UnregisterServer(const Host& host);
// Removes every registered host, of whichever build, and the type library; returns their names.
std::vector<std::wstring> UnregisterAllHosts();
