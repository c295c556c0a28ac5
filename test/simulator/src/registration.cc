#include "registration.h"

#include <oleauto.h>

#include <vector>

#include "type_library.h"
#include "vssim_interfaces.h"

namespace {

const std::wstring kClassesRoot = L"Software\\Classes\\";

std::wstring GuidText(REFGUID guid) {
  wchar_t text[64];
  StringFromGUID2(guid, text, 64);
  return text;
}

HRESULT SetValue(const std::wstring& subkey, const wchar_t* name, const std::wstring& value, std::wstring* error) {
  HKEY key = nullptr;
  LSTATUS status = RegCreateKeyExW(HKEY_LOCAL_MACHINE, (kClassesRoot + subkey).c_str(), 0, nullptr, 0, KEY_WRITE,
                                   nullptr, &key, nullptr);
  if (status == ERROR_SUCCESS) {
    status = RegSetValueExW(key, name, 0, REG_SZ, reinterpret_cast<const BYTE*>(value.c_str()),
                            static_cast<DWORD>((value.size() + 1) * sizeof(wchar_t)));
    RegCloseKey(key);
  }
  if (status != ERROR_SUCCESS) {
    *error = L"cannot write HKLM\\" + kClassesRoot + subkey + L" (error " + std::to_wstring(status) +
             L"): run /regserver with rights to write HKLM";
    return HRESULT_FROM_WIN32(status);
  }
  return S_OK;
}

std::wstring ClassKey(REFCLSID clsid) { return L"CLSID\\" + GuidText(clsid); }

HRESULT RegisterClass(REFCLSID clsid, const wchar_t* progId, const wchar_t* description, const std::wstring& server,
                      std::wstring* error) {
  const std::wstring clsidKey = ClassKey(clsid);
  HRESULT hr = S_OK;
  if (SUCCEEDED(hr)) hr = SetValue(clsidKey, nullptr, description, error);
  if (SUCCEEDED(hr)) hr = SetValue(clsidKey + L"\\LocalServer32", nullptr, server, error);
  if (SUCCEEDED(hr)) hr = SetValue(clsidKey + L"\\ProgID", nullptr, progId, error);
  if (SUCCEEDED(hr)) hr = SetValue(clsidKey + L"\\TypeLib", nullptr, GuidText(LIBID_VirtualServer), error);
  if (SUCCEEDED(hr)) hr = SetValue(clsidKey + L"\\Version", nullptr, L"1.1", error);
  if (SUCCEEDED(hr)) hr = SetValue(progId, nullptr, description, error);
  if (SUCCEEDED(hr)) hr = SetValue(std::wstring(progId) + L"\\CLSID", nullptr, GuidText(clsid), error);
  return hr;
}

void DeleteClass(REFCLSID clsid, const wchar_t* progId) {
  RegDeleteTreeW(HKEY_LOCAL_MACHINE, (kClassesRoot + ClassKey(clsid)).c_str());
  RegDeleteTreeW(HKEY_LOCAL_MACHINE, (kClassesRoot + progId).c_str());
}

// Whatever build registered the library last: its interface keys go too (the builds' event IIDs differ).
void UnregisterTypeLibrary() { UnRegisterTypeLib(LIBID_VirtualServer, 1, 1, LANG_NEUTRAL, SYS_WIN64); }

// The hosts registered in HKLM, of any build: found by their server CLSIDs (host.h).
std::vector<Host> RegisteredHosts() {
  std::vector<Host> hosts;
  HKEY classes = nullptr;
  if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, (kClassesRoot + L"CLSID").c_str(), 0, KEY_READ, &classes) != ERROR_SUCCESS) {
    return hosts;
  }
  wchar_t keyName[64];
  for (DWORD index = 0;; ++index) {
    DWORD length = 64;
    const LSTATUS status = RegEnumKeyExW(classes, index, keyName, &length, nullptr, nullptr, nullptr, nullptr);
    if (status == ERROR_MORE_DATA) continue;  // longer than a CLSID
    if (status != ERROR_SUCCESS) break;
    CLSID clsid;
    Host host;
    if (SUCCEEDED(CLSIDFromString(keyName, &clsid)) && HostOfServerClsid(clsid, &host)) hosts.push_back(host);
  }
  RegCloseKey(classes);
  return hosts;
}

}  // namespace

HRESULT RegisterServer(const Host& host, std::wstring* error) {
  UnregisterTypeLibrary();
  HRESULT hr = S_OK;
  ITypeLib* library = EmbeddedTypeLib(&hr);
  if (library == nullptr) {
    *error = L"cannot load the type library embedded in " + std::wstring(ExePath());
    return hr;
  }
  hr = RegisterTypeLib(library, const_cast<LPOLESTR>(ExePath()), nullptr);
  library->Release();
  if (FAILED(hr)) {
    *error = L"RegisterTypeLib failed";
    return hr;
  }
  // Host A's server runs as registered; another host's gets /host:<name>, which COM passes before -Embedding.
  std::wstring server = std::wstring(L"\"") + ExePath() + L"\"";
  if (!host.IsDefault()) server += L" /host:" + host.name;
  hr = RegisterClass(host.serverClsid, host.progId.c_str(), L"VMVirtualServer (simulated Virtual Server 2005 R2)",
                     server, error);
  if (SUCCEEDED(hr)) {
    hr = RegisterClass(host.controlClsid, host.controlProgId.c_str(), L"Simulated Virtual Server control (tests only)",
                       server, error);
  }
  return hr;
}

void UnregisterServer(const Host& host) {
  DeleteClass(host.serverClsid, host.progId.c_str());
  DeleteClass(host.controlClsid, host.controlProgId.c_str());
  // Every host serves the same type library: it goes with the last of them.
  if (RegisteredHosts().empty()) UnregisterTypeLibrary();
}

std::vector<std::wstring> UnregisterAllHosts() {
  std::vector<std::wstring> names;
  for (const Host& host : RegisteredHosts()) {
    DeleteClass(host.serverClsid, host.progId.c_str());
    DeleteClass(host.controlClsid, host.controlProgId.c_str());
    names.push_back(host.name);
  }
  UnregisterTypeLibrary();
  return names;
}
