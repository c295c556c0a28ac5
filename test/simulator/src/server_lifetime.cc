#include "server_lifetime.h"

#include <atomic>
#include <mutex>

namespace {
// An activation that got a class object just before the revocation reaches CreateInstance within this.
constexpr DWORD kRevocationLingerMs = 250;

std::atomic<long> g_objects{0};
std::atomic<long> g_created{0};
std::atomic<ULONGLONG> g_lastActivity{GetTickCount64()};
HANDLE g_becameUnused = CreateEventW(nullptr, FALSE, FALSE, nullptr);
// Orders LockServerUnlessExiting against CommitExit: an activation either counts before the decision or
// sees it.
std::mutex g_exitDecision;
bool g_exiting = false;
}  // namespace

void LockServer() {
  ++g_objects;  // before g_created: WaitUntilUnused reads them the other way round
  ++g_created;
  NoteActivity();
}

void UnlockServer() {
  if (--g_objects == 0) SetEvent(g_becameUnused);
}

void ReleaseObjectsFromServerLifetime() {
  g_objects = 0;
  g_created = 0;  // nothing a client made yet: the exit delay starts after a client's first object
}

bool LockServerUnlessExiting() {
  std::lock_guard<std::mutex> lock(g_exitDecision);
  if (g_exiting) return false;
  LockServer();
  return true;
}

void NoteActivity() { g_lastActivity = GetTickCount64(); }

long WaitUntilUnused(DWORD exitDelayMs, DWORD idleExitMs) {
  const DWORD poll = idleExitMs == 0 ? INFINITE : (idleExitMs < 1000 ? idleExitMs : 1000);
  for (;;) {
    if (g_created > 0 && g_objects == 0) {
      const long before = g_created;
      Sleep(exitDelayMs);
      // Unused all along: nothing was created meanwhile (else the delay starts over). The mark is read
      // before the count, so an object created in between changes the mark.
      const long mark = g_created;
      if (mark == before && g_objects == 0) return mark;
      continue;
    }
    WaitForSingleObject(g_becameUnused, poll);
    if (idleExitMs != 0 && GetTickCount64() - g_lastActivity > idleExitMs) return g_created;
  }
}

bool CommitExit(long mark) {
  Sleep(kRevocationLingerMs);
  std::lock_guard<std::mutex> lock(g_exitDecision);
  g_exiting = g_created == mark;
  return g_exiting;
}
