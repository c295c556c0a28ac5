#include "server_lifetime.h"

#include <atomic>

namespace {
std::atomic<long> g_objects{0};
std::atomic<bool> g_stopping{false};
std::atomic<ULONGLONG> g_lastActivity{GetTickCount64()};
HANDLE g_lastReleased = CreateEventW(nullptr, TRUE, FALSE, nullptr);
}  // namespace

void LockServer() {
  ++g_objects;
  NoteActivity();
}

void UnlockServer() {
  if (--g_objects == 0) {
    g_stopping = true;
    SetEvent(g_lastReleased);
  }
}

void NoteActivity() { g_lastActivity = GetTickCount64(); }

bool ServerIsStopping() { return g_stopping; }

void WaitUntilServerShouldExit(DWORD idleExitMs) {
  const DWORD poll = idleExitMs == 0 ? INFINITE : (idleExitMs < 1000 ? idleExitMs : 1000);
  for (;;) {
    if (WaitForSingleObject(g_lastReleased, poll) == WAIT_OBJECT_0) return;
    if (idleExitMs != 0 && GetTickCount64() - g_lastActivity > idleExitMs) {
      g_stopping = true;
      return;
    }
  }
}
