#include "processes.h"

#include <windows.h>
#include <tlhelp32.h>

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "json_out.h"

namespace {

std::vector<std::pair<std::wstring, DWORD>> ProcessesNamed(std::initializer_list<const wchar_t*> names) {
  std::vector<std::pair<std::wstring, DWORD>> found;
  HANDLE snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
  if (snapshot == INVALID_HANDLE_VALUE) return found;
  PROCESSENTRY32W entry = {};
  entry.dwSize = sizeof(entry);
  for (BOOL more = Process32FirstW(snapshot, &entry); more; more = Process32NextW(snapshot, &entry)) {
    for (const wchar_t* name : names) {
      if (_wcsicmp(entry.szExeFile, name) == 0) found.emplace_back(entry.szExeFile, entry.th32ProcessID);
    }
  }
  CloseHandle(snapshot);
  return found;
}

std::vector<std::pair<std::wstring, DWORD>> SimulatorProcesses() {
  return ProcessesNamed({L"vssim-dispatch.exe", L"vssim-vtable.exe"});
}

bool Terminate(DWORD pid) {
  HANDLE handle = OpenProcess(PROCESS_TERMINATE | SYNCHRONIZE, FALSE, pid);
  if (handle == nullptr) return true;  // it exited meanwhile
  const bool gone = TerminateProcess(handle, 1) && WaitForSingleObject(handle, 30000) == WAIT_OBJECT_0;
  CloseHandle(handle);
  return gone;
}

}  // namespace

int ListSimulatorProcesses() {
  std::string line = "{\"processes\":[";
  bool first = true;
  for (const auto& process : SimulatorProcesses()) {
    line += std::string(first ? "" : ",") + "{\"name\":" + JsonString(process.first) +
            ",\"pid\":" + std::to_string(process.second) + "}";
    first = false;
  }
  EmitLine(line + "]}");
  return 0;
}

int KillSimulatorProcesses() {
  std::string line = "{\"killed\":[";
  bool first = true;
  int status = 0;
  for (const auto& process : SimulatorProcesses()) {
    if (!Terminate(process.second)) status = 1;
    line += std::string(first ? "" : ",") + std::to_string(process.second);
    first = false;
  }
  if (!first) {
    // Wine's rpcss keeps the class registrations of a killed server, and activation then fails with
    // RPC_S_SERVER_UNAVAILABLE; a restarted rpcss (started again on demand) has none. Windows has no
    // rpcss.exe process (its SCM cleans up by itself), so there this finds nothing.
    for (const auto& rpcss : ProcessesNamed({L"rpcss.exe"})) Terminate(rpcss.second);
  }
  EmitLine(line + "]}");
  return status;
}
