// bench_source_server.exe: the benchmarks' event source out of process (LocalServer32, multithreaded
// apartment), and the registration of both servers.
//   bench_source_server.exe /regserver   registers the type library (for marshaling), the LocalServer32
//                                        and bench_source.dll (beside this EXE) as the InprocServer32
//   bench_source_server.exe -Embedding   serves (what COM runs); exits when its last object is released
#include <windows.h>
#include <objbase.h>
#include <oleauto.h>

#include <cwchar>
#include <string>

#include "bench_source.h"
#include "bench_source_idl.h"

namespace {

HANDLE lastReleased = nullptr;
// Wine has no DCOM pinging: a client that died holding references would keep this process forever.
constexpr DWORD kMaxIdleLifetimeMs = 15 * 60 * 1000;

std::wstring ModulePath() {
  wchar_t path[MAX_PATH];
  GetModuleFileNameW(nullptr, path, MAX_PATH);
  return path;
}

std::wstring GuidText(REFGUID guid) {
  wchar_t text[40];
  StringFromGUID2(guid, text, 40);
  return text;
}

bool SetValue(const std::wstring& keyPath, const wchar_t* name, const std::wstring& value) {
  HKEY key;
  // Wine's COM ignores HKCU\Software\Classes: HKLM only.
  if (RegCreateKeyExW(HKEY_LOCAL_MACHINE, keyPath.c_str(), 0, nullptr, 0, KEY_WRITE, nullptr, &key, nullptr) !=
      ERROR_SUCCESS)
    return false;
  LONG status = RegSetValueExW(key, name, 0, REG_SZ, reinterpret_cast<const BYTE*>(value.c_str()),
                               static_cast<DWORD>((value.size() + 1) * sizeof(wchar_t)));
  RegCloseKey(key);
  return status == ERROR_SUCCESS;
}

int Register() {
  std::wstring exe = ModulePath();
  std::wstring dll = exe.substr(0, exe.find_last_of(L"\\/") + 1) + L"bench_source.dll";
  std::wstring classes = L"Software\\Classes\\CLSID\\";
  std::wstring local = classes + GuidText(CLSID_BenchSourceLocal);
  std::wstring inproc = classes + GuidText(CLSID_BenchSourceInProc);
  bool ok = SetValue(local + L"\\LocalServer32", nullptr, L"\"" + exe + L"\"") &&
            SetValue(inproc + L"\\InprocServer32", nullptr, dll) &&
            SetValue(inproc + L"\\InprocServer32", L"ThreadingModel", L"Both");
  ITypeLib* library = nullptr;
  HRESULT hr = LoadTypeLibEx(exe.c_str(), REGKIND_NONE, &library);
  if (SUCCEEDED(hr)) {
    hr = RegisterTypeLib(library, const_cast<LPOLESTR>(exe.c_str()), nullptr);
    library->Release();
  }
  if (!ok || FAILED(hr)) {
    fwprintf(stderr, L"bench_source_server: registration failed (registry %d, type library 0x%08lx)\n", ok,
             static_cast<unsigned long>(hr));
    return 1;
  }
  return 0;
}

int Serve() {
  CoInitializeEx(nullptr, COINIT_MULTITHREADED);
  lastReleased = CreateEventW(nullptr, FALSE, FALSE, nullptr);
  bench::SetModule(GetModuleHandleW(nullptr));
  bench::OnLastObjectReleased([] { SetEvent(lastReleased); });
  DWORD cookie = 0;
  HRESULT hr = CoRegisterClassObject(CLSID_BenchSourceLocal, bench::Factory(CLSID_BenchSourceLocal),
                                     CLSCTX_LOCAL_SERVER, REGCLS_MULTIPLEUSE, &cookie);
  if (SUCCEEDED(hr)) {
    // Serves until the last object is gone (or nobody came, or a client vanished holding references).
    while (WaitForSingleObject(lastReleased, kMaxIdleLifetimeMs) == WAIT_OBJECT_0 && bench::LiveObjects() > 0) {
    }
    // Revoke before exiting: Wine's rpcss keeps the registration of a process that died with it.
    CoRevokeClassObject(cookie);
  }
  CloseHandle(lastReleased);
  CoUninitialize();
  return SUCCEEDED(hr) ? 0 : 1;
}

}  // namespace

int wmain(int argc, wchar_t** argv) {
  if (argc > 1 && (_wcsicmp(argv[1], L"/regserver") == 0 || _wcsicmp(argv[1], L"-regserver") == 0)) return Register();
  return Serve();
}
