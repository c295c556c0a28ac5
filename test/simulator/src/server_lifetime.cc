#include "server_lifetime.h"

#include <atomic>

namespace {
// A client that releases its last object and activates again at once (tests do) finds the same
// process instead of one that is revoking its class objects.
constexpr DWORD kGraceMs = 250;

std::atomic<long> g_objects{0};
std::atomic<bool> g_everUsed{false};
std::atomic<ULONGLONG> g_lastActivity{GetTickCount64()};
HANDLE g_becameUnused = CreateEventW(nullptr, FALSE, FALSE, nullptr);
}  // namespace

void LockServer() {
  g_everUsed = true;
  ++g_objects;
  NoteActivity();
}

void UnlockServer() {
  if (--g_objects == 0) SetEvent(g_becameUnused);
}

void NoteActivity() { g_lastActivity = GetTickCount64(); }

bool WaitUntilUnused(DWORD idleExitMs) {
  const DWORD poll = idleExitMs == 0 ? INFINITE : (idleExitMs < 1000 ? idleExitMs : 1000);
  for (;;) {
    if (g_everUsed && g_objects == 0) {
      Sleep(kGraceMs);
      if (g_objects == 0) return false;
    }
    WaitForSingleObject(g_becameUnused, poll);
    if (idleExitMs != 0 && GetTickCount64() - g_lastActivity > idleExitMs) return true;
  }
}
