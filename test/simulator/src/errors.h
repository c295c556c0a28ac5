// Virtual Server HRESULTs (hresult-codes-specific-to-the-virtual-server.md) and error reporting.
#pragma once
#include <windows.h>
#include <string>

constexpr HRESULT VM_E_VM_NOT_RUNNING = static_cast<HRESULT>(0xA0040206);
constexpr HRESULT VM_E_VM_UNKNOWN = static_cast<HRESULT>(0xA0040207);
constexpr HRESULT VM_E_CONFIG_NO_NAME = static_cast<HRESULT>(0xA0040400);
constexpr HRESULT VM_E_CONFIG_DUPLICATE_NAME = static_cast<HRESULT>(0xA0040403);
constexpr HRESULT VM_E_VM_RUNNING = static_cast<HRESULT>(0xA0040500);
constexpr HRESULT VM_E_ADDITIONS_NOT_AVAIL = static_cast<HRESULT>(0xA0040504);
constexpr HRESULT VM_E_ADDITIONS_FEATURE_NOT_AVAIL = static_cast<HRESULT>(0xA0040505);
constexpr HRESULT VM_E_VM_PAUSED = static_cast<HRESULT>(0xA0040507);

// Sets the thread's IErrorInfo (what ITypeInfo::Invoke copies into EXCEPINFO) and returns `hr`.
HRESULT ReportError(HRESULT hr, REFIID iid, const std::wstring& description);

// True for the HRESULTs a call on a proxy gets when the process behind it is gone.
bool IsDeadPeer(HRESULT hr);
