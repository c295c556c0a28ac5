// When the server process exits: after its last object is released (like vssrvc.exe), or when nothing
// happened for VSSIM_IDLE_EXIT_MS although objects are still referenced (Wine has no DCOM pinging, so a
// client that died holding references would otherwise keep it alive forever).
#pragma once
#include <windows.h>

void LockServer();
void UnlockServer();
// An incoming call or a delivered event: the process still has a live client.
void NoteActivity();
// Blocks the main thread until the process should exit. `idleExitMs` 0 disables the idle guard.
void WaitUntilServerShouldExit(DWORD idleExitMs);
// True once the process decided to exit: class factories refuse new objects from then on.
bool ServerIsStopping();
