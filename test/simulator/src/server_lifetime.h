// When the server process exits: after its last object is released (like vssrvc.exe), or when nothing
// happened for VSSIM_IDLE_EXIT_MS although objects are still referenced (Wine has no DCOM pinging, so a
// client that died holding references would otherwise keep it alive forever).
#pragma once
#include <windows.h>

void LockServer();
void UnlockServer();
// An incoming call or a delivered event: the process still has a live client.
void NoteActivity();
// Blocks until no object has existed for a short grace period (after at least one existed), or until
// nothing happened for `idleExitMs` (0: never). Returns true in the idle case.
bool WaitUntilUnused(DWORD idleExitMs);
