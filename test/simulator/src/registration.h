// /regserver and /unregserver: HKLM\Software\Classes (Wine's COM ignores HKCU classes).
#pragma once
#include <windows.h>

#include <string>

// On failure `error` says which step failed.
HRESULT RegisterServer(std::wstring* error);
void UnregisterServer();
