#include "process_id_hold.h"

#include <windows.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <set>
#include <thread>

#include "processes.h"

// Wine: a multithreaded apartment's OXID is (pid << 32) | 0xcafe and its object ids count from 1, and a process
// id is reused once 256 others are free. A process given a dead one's id then has the same OXID and object ids
// as the dead one, so a peer still holding anything of the dead process (a proxy, its RPC association) aliases
// the new one: in the stress campaign the simulator refused such a child's sink (its QueryInterface of the sink
// failed: CONNECT_E_CANNOTCONNECT) in 2 of 200 teardown-exit runs, and both children had a reused id (29 of
// the 200 had). Windows draws OXIDs and object ids at random. Keeping every process's id taken for the whole
// campaign keeps each OXID unique, as on Windows; the held processes are gone (a dead process leaves the
// process list however many handles it has), so nothing else notices.
namespace {

constexpr std::chrono::milliseconds kPollInterval{50};  // a fixture child or a simulator lives far longer

// Opens a handle to each node.exe and simulator process that `held` lacks; the handles stay open until exit.
void HoldNewProcesses(std::set<DWORD>& held) {
  for (const auto& process : ProcessesNamed({L"node.exe", L"vssim-dispatch.exe", L"vssim-vtable.exe"})) {
    if (held.count(process.second) != 0) continue;
    if (OpenProcess(SYNCHRONIZE, FALSE, process.second) != nullptr) held.insert(process.second);
  }
}

}  // namespace

int HoldProcessIds() {
  std::atomic<bool> inputClosed{false};
  // Reads stdin to its end (the runner closes it, or dies), on a thread of its own: a pipe cannot be waited on.
  std::thread reader([&inputClosed] {
    char buffer[256];
    while (std::fgets(buffer, sizeof(buffer), stdin) != nullptr) {
    }
    inputClosed = true;
  });
  std::set<DWORD> held;
  while (!inputClosed) {
    HoldNewProcesses(held);
    std::this_thread::sleep_for(kPollInterval);
  }
  reader.join();
  return 0;
}
