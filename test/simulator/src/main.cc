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
                L"usage: %ls [/host:A|B] /regserver | /unregserver | /service | -Embedding\n"
                L"  /regserver    register the type library and the host's VirtualServer.Application and\n"
                L"                VirtualServerSimulator.Control (HKLM; host B: ProgIDs ending in .HostB)\n"
                L"  /unregserver  remove the host's registration (the type library goes with the last host)\n"
                L"  /service      serve like the real service: the demo scenario's VMs, up until StopScenario\n"
                L"  /host:B       the second simulated host (default A); see test/simulator/README.md\n"
                L"COM starts it with -Embedding (and /host:B for host B).\n",
                L"vssim-" VSSIM_BUILD_NAME L".exe");
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
  std::printf("serving host %ls%s, pid %lu\n", host.name, service ? " as a service" : "", GetCurrentProcessId());
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
  const Host* host = &kHosts[0];
  bool regserver = false, unregserver = false, service = false, embedding = false, usage = false;
  for (int i = 1; i < argc; ++i) {
    const wchar_t* arg = argv[i];
    if (_wcsnicmp(arg, L"/host:", 6) == 0) {
      host = FindHost(arg + 6);
      usage = usage || host == nullptr;
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
  if (usage || regserver + unregserver + serve != 1) {
    PrintUsage();
    return 2;
  }
  if (serve) return Serve(*host, service || EnvNumber(L"VSSIM_SERVICE", 0) == 1);
  CoInitializeEx(nullptr, COINIT_MULTITHREADED);
  if (unregserver) {
    UnregisterServer(*host);
    std::fwprintf(stdout, L"unregistered %ls (host %ls)\n", host->progId, host->name);
    return 0;
  }
  std::wstring error;
  const HRESULT hr = RegisterServer(*host, &error);
  if (FAILED(hr)) {
    std::fwprintf(stderr, L"registration failed: %ls (0x%08lX)\n", error.c_str(), static_cast<unsigned long>(hr));
    return 1;
  }
  std::fwprintf(stdout, L"registered %ls and %ls (%ls build, host %ls)\n", host->progId, host->controlProgId,
                VSSIM_BUILD_NAME, host->name);
  return 0;
}
