// When the server process exits: VSSIM_EXIT_DELAY_MS after its last object is released (like a COM
// LocalServer whose clients left), never while it holds itself (service mode, scenario.h), or when nothing
// happened for VSSIM_IDLE_EXIT_MS although objects are still referenced (Wine has no DCOM pinging, so a client
// that died holding references would otherwise keep it alive forever).
//
// Exiting follows COM's rule for a LocalServer: revoke the class objects first, then decide. main.cc runs
//   mark = WaitUntilUnused(...) -> RevokeClassObjects() -> CommitExit(mark)
// and, when CommitExit finds that an activation created an object meanwhile, registers the class objects
// again and serves on. On Windows no activation can then fail: one that reaches the process after the
// revocation is sent to a new process by the SCM, one that got a class object before it is served, and a
// CreateInstance after the decision answers CO_E_SERVER_STOPPING, which the SCM retries elsewhere.
// Wine 8.0 retries neither, and its CoRevokeClassObject drops the local registration before rpcss's: a client
// whose rpcss lookup lands in the milliseconds of the revocation gets E_FAIL from IServiceProvider::QueryService.
// No server can close that gap; the exit delay keeps clients that follow one another in the same process, and
// service mode never revokes.
#pragma once
#include <windows.h>

// Every object holds the process while it lives.
void LockServer();
void UnlockServer();
// The objects alive now hold the process no more: call once, right after PinStubs (stub_pins.h) made
// the only ones, which live as long as the process.
void ReleaseObjectsFromServerLifetime();
// For IClassFactory (CreateInstance, LockServer): LockServer, unless the process has committed to exit; then
// false, and the caller answers CO_E_SERVER_STOPPING.
bool LockServerUnlessExiting();
// An incoming call or a delivered event: the process still has a live client.
void NoteActivity();
// Blocks until no object has existed for `exitDelayMs` (after at least one existed), or until nothing
// happened for `idleExitMs` (0: never). Returns a mark for CommitExit.
long WaitUntilUnused(DWORD exitDelayMs, DWORD idleExitMs);
// Call after revoking the class objects: waits a moment, in which an activation that got a class object before
// the revocation creates its object, then commits to exit unless an object was created since `mark`. Returns
// whether it committed.
bool CommitExit(long mark);
