// vssim-dispatch.exe / vssim-vtable.exe: the simulated Virtual Server's LocalServer32 (README.md).
#include <windows.h>
#include <shellapi.h>

#include <cstdio>
#include <string>

#include "class_registration.h"
#include "host.h"
#include "vssim_interfaces.h"
#include "registration.h"
#include "scenario.h"
#include "server_lifetime.h"
#include "stub_pins.h"
#include "world.h"

namespace {

void PrintUsage() {
  std::fwprintf(stderr,
                L"usage: %ls [/host:<name>] /regserver | /unregserver | /service | -Embedding\n"
                L"       %ls /host:* /unregserver\n"
                L"  /regserver    register the type library and the host's VirtualServer.Application and\n"
                L"                VirtualServerSimulator.Control (HKLM; another host: ProgIDs ending in .Host<name>)\n"
                L"  /unregserver  remove the host's registration (the type library goes with the last host);\n"
                L"                with /host:*, every host's, of either build\n"
                L"  /service      serve like the real service: the demo scenario's VMs, up until StopScenario\n"
                L"  /host:<name>  a simulated host: A (the default) or any other name of 1 to 12 ASCII letters\n"
                L"                and digits, with classes of its own; see test/simulator/README.md\n"
                L"COM starts it with -Embedding (and /host:<name> for a host other than A).\n",
                L"vssim-" VSSIM_BUILD_NAME L".exe", L"vssim-" VSSIM_BUILD_NAME L".exe");
}

bool Is(const wchar_t* arg, const wchar_t* name) {
  return (arg[0] == L'/' || arg[0] == L'-') && _wcsicmp(arg + 1, name) == 0;
}

int Serve(const Host& host, bool service) {
  CoInitializeEx(nullptr, COINIT_MULTITHREADED);
  CoInitializeSecurity(nullptr, -1, nullptr, nullptr, RPC_C_AUTHN_LEVEL_DEFAULT, RPC_C_IMP_LEVEL_IDENTIFY, nullptr,
                       EOAC_NONE, nullptr);
  PinStubs();
  const HRESULT hr = RegisterClassObjects(host);
  if (FAILED(hr)) {
    std::fwprintf(stderr, L"cannot register the class objects: 0x%08lX\n", static_cast<unsigned long>(hr));
    return 1;
  }
  if (service) {
    World::Instance().SetPacing(EnvNumber(L"VSSIM_PACING_MS", 1000));  // realistic unless told otherwise
    HoldProcessWhileScenarioRuns();
  }
  if (service || EnvNumber(L"VSSIM_SCENARIO", 0) == 1) StartScenario();
  // For whoever started it by hand: from now on activations reach this process.
  std::printf("serving host %ls%s, pid %lu\n", host.name.c_str(), service ? " as a service" : "",
              GetCurrentProcessId());
  std::fflush(stdout);
  const DWORD exitDelayMs = static_cast<DWORD>(EnvNumber(L"VSSIM_EXIT_DELAY_MS", 2000));
  // A service has no client to lose: no idle guard then.
  const DWORD idleExitMs = service ? 0 : static_cast<DWORD>(EnvNumber(L"VSSIM_IDLE_EXIT_MS", 600000));
  // server_lifetime.h: revoke first, then decide; an activation that came in meanwhile is served on.
  for (;;) {
    const long mark = WaitUntilUnused(exitDelayMs, idleExitMs);
    RevokeClassObjects();
    if (CommitExit(mark)) break;
    // Should this fail, the process still serves its objects; new activations then start another one.
    RegisterClassObjects(host);
  }
  // Like a service process ending: sinks of dead clients are not released (that could block on RPC).
  ExitProcess(0);
}

}  // namespace

int main() {
  int argc = 0;
  wchar_t** argv = CommandLineToArgvW(GetCommandLineW(), &argc);
  Host host = DefaultHost();
  bool allHosts = false, regserver = false, unregserver = false, service = false, embedding = false, usage = false;
  for (int i = 1; i < argc; ++i) {
    const wchar_t* arg = argv[i];
    if (_wcsicmp(arg, L"/host:*") == 0) {
      allHosts = true;
    } else if (_wcsnicmp(arg, L"/host:", 6) == 0) {
      usage = usage || !HostNamed(arg + 6, &host);
    } else if (Is(arg, L"regserver")) {
      regserver = true;
    } else if (Is(arg, L"unregserver")) {
      unregserver = true;
    } else if (Is(arg, L"service")) {
      service = true;
    } else if (Is(arg, L"Embedding")) {
      embedding = true;
    } else {
      usage = true;
    }
  }
  const bool serve = service || embedding;
  if (usage || regserver + unregserver + serve != 1 || (allHosts && !unregserver)) {
    PrintUsage();
    return 2;
  }
  if (serve) return Serve(host, service || EnvNumber(L"VSSIM_SERVICE", 0) == 1);
  CoInitializeEx(nullptr, COINIT_MULTITHREADED);
  if (allHosts) {
    std::wstring names;
    for (const std::wstring& name : UnregisterAllHosts()) names += (names.empty() ? L"" : L", ") + name;
    std::fwprintf(stdout, L"unregistered every host (%ls)\n", names.empty() ? L"none was registered" : names.c_str());
    return 0;
  }
  if (unregserver) {
    UnregisterServer(host);
    std::fwprintf(stdout, L"unregistered %ls (host %ls)\n", host.progId.c_str(), host.name.c_str());
    return 0;
  }
  std::wstring error;
  const HRESULT hr = RegisterServer(host, &error);
  if (FAILED(hr)) {
    std::fwprintf(stderr, L"registration failed: %ls (0x%08lX)\n", error.c_str(), static_cast<unsigned long>(hr));
    return 1;
  }
  std::fwprintf(stdout, L"registered %ls and %ls (%ls build, host %ls)\n", host.progId.c_str(),
                host.controlProgId.c_str(), VSSIM_BUILD_NAME, host.name.c_str());
  return 0;
}
