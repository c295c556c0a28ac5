#include "processes.h"

#include <windows.h>
#include <shellapi.h>
#include <tlhelp32.h>
#include <winternl.h>

#include <cstdio>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "json_out.h"

namespace {

std::vector<std::pair<std::wstring, DWORD>> SimulatorProcesses() {
  return ProcessesNamed({L"vssim-dispatch.exe", L"vssim-vtable.exe"});
}

// Another process' command line, read from its PEB (winternl.h's documented fields); empty if unreadable.
std::wstring CommandLineOf(DWORD pid) {
  std::wstring text;
  HANDLE process = OpenProcess(PROCESS_QUERY_INFORMATION | PROCESS_VM_READ, FALSE, pid);
  if (process == nullptr) return text;
  PROCESS_BASIC_INFORMATION basic = {};
  PEB peb = {};
  RTL_USER_PROCESS_PARAMETERS parameters = {};
  if (NT_SUCCESS(NtQueryInformationProcess(process, ProcessBasicInformation, &basic, sizeof(basic), nullptr)) &&
      ReadProcessMemory(process, basic.PebBaseAddress, &peb, sizeof(peb), nullptr) &&
      ReadProcessMemory(process, peb.ProcessParameters, &parameters, sizeof(parameters), nullptr)) {
    text.resize(parameters.CommandLine.Length / sizeof(wchar_t));
    if (!ReadProcessMemory(process, parameters.CommandLine.Buffer, &text[0], parameters.CommandLine.Length, nullptr)) {
      text.clear();
    }
  }
  CloseHandle(process);
  return text;
}

// The simulated host a server process serves: its /host: switch (README.md), else A; empty if unknown.
std::wstring HostOf(DWORD pid) {
  const std::wstring commandLine = CommandLineOf(pid);
  if (commandLine.empty()) return commandLine;
  std::wstring host = L"A";
  int argc = 0;
  wchar_t** argv = CommandLineToArgvW(commandLine.c_str(), &argc);
  for (int i = 1; argv != nullptr && i < argc; ++i) {
    if (_wcsnicmp(argv[i], L"/host:", 6) == 0) host = argv[i] + 6;
  }
  LocalFree(argv);
  return host;
}

bool Terminate(DWORD pid) {
  HANDLE handle = OpenProcess(PROCESS_TERMINATE | SYNCHRONIZE, FALSE, pid);
  if (handle == nullptr) return true;  // it exited meanwhile
  const bool gone = TerminateProcess(handle, 1) && WaitForSingleObject(handle, 30000) == WAIT_OBJECT_0;
  CloseHandle(handle);
  return gone;
}

// NtQuerySystemInformation's SystemHandleInformation (class 16): one entry per open handle in the system.
// Not in winternl.h; the layout is the documented-by-use one every handle tool relies on.
struct SystemHandleEntry {
  USHORT ownerPid;
  USHORT creatorBackTraceIndex;
  UCHAR objectType;
  UCHAR flags;
  USHORT handleValue;
  PVOID object;
  ULONG grantedAccess;
};
struct SystemHandleList {
  ULONG count;
  SystemHandleEntry entries[1];
};
constexpr SYSTEM_INFORMATION_CLASS kSystemHandleInformation = static_cast<SYSTEM_INFORMATION_CLASS>(16);

// The handles `pid` holds, counted in the system's handle list (-1 if it cannot be read). Its entries
// carry 16-bit pids, as the class was defined when pids fit; every pid Wine and these tests use does.
long HandlesInSystemList(DWORD pid) {
  ULONG size = 1 << 20;
  for (int attempt = 0; attempt < 8; ++attempt, size *= 2) {
    std::unique_ptr<unsigned char[]> buffer(new unsigned char[size]);
    ULONG needed = 0;
    const NTSTATUS status = NtQuerySystemInformation(kSystemHandleInformation, buffer.get(), size, &needed);
    if (status == static_cast<NTSTATUS>(0xC0000004L)) continue;  // STATUS_INFO_LENGTH_MISMATCH: grow
    if (!NT_SUCCESS(status)) return -1;
    const auto* list = reinterpret_cast<const SystemHandleList*>(buffer.get());
    long count = 0;
    for (ULONG i = 0; i < list->count; ++i) {
      if (list->entries[i].ownerPid == static_cast<USHORT>(pid)) ++count;
    }
    return count;
  }
  return -1;
}

long ThreadsOf(DWORD pid) {
  HANDLE snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
  if (snapshot == INVALID_HANDLE_VALUE) return -1;
  THREADENTRY32 entry = {};
  entry.dwSize = sizeof(entry);
  long count = 0;
  for (BOOL more = Thread32First(snapshot, &entry); more; more = Thread32Next(snapshot, &entry)) {
    if (entry.th32OwnerProcessID == pid) ++count;
  }
  CloseHandle(snapshot);
  return count;
}

}  // namespace

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

int ListSimulatorProcesses() {
  std::string line = "{\"processes\":[";
  bool first = true;
  for (const auto& process : SimulatorProcesses()) {
    const std::wstring host = HostOf(process.second);
    line += std::string(first ? "" : ",") + "{\"name\":" + JsonString(process.first) +
            ",\"pid\":" + std::to_string(process.second) +
            ",\"host\":" + (host.empty() ? std::string("null") : JsonString(host)) + "}";
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

int PrintCensus(DWORD pid) {
  HANDLE process = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
  if (process == nullptr) {
    std::fprintf(stderr, "vssim-client.exe --census: no process %lu (error %lu)\n", pid, GetLastError());
    return 1;
  }
  DWORD handles = 0;
  const BOOL counted = GetProcessHandleCount(process, &handles);
  CloseHandle(process);
  // Wine 10 answers GetProcessHandleCount with 0 for every process; Windows never does (a process holds
  // at least its own handles), so 0 means "ask the system's handle list", which Wine fills per process.
  std::string source = "GetProcessHandleCount";
  long count = static_cast<long>(handles);
  if (!counted || handles == 0) {
    source = "SystemHandleInformation";
    count = HandlesInSystemList(pid);
  }
  EmitLine("{\"pid\":" + std::to_string(pid) + ",\"handles\":" + std::to_string(count) + ",\"handleSource\":\"" +
           source + "\",\"threads\":" + std::to_string(ThreadsOf(pid)) + "}");
  return count < 0 ? 1 : 0;
}
