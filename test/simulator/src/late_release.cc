#include "late_release.h"

#include "event_queue.h"

// Wine: combase registers an RPC interface for an IID while any stub of that IID lives in a process; when
// the last goes (a RemRelease from the server), RpcServerUnregisterIf waits for the calls in progress on
// it. rpcrt4 answers a call before it stops counting it, and its count and its "calls completed" event
// are not updated under one lock, so when the server's last release of a client's sink came right after
// an event call to that sink returned, the client missed the wake-up and its RemRelease never answered:
// the server's event thread hung in that Release, every later event stayed queued, and the client,
// which holds its interface-registration lock while it waits, could marshal no sink again (seen in the
// stress campaign, teardown-close run 10: the client in RemUnknown_RemRelease -> RpcServerUnregisterIf
// waiting, nothing else running there). Windows has no such race. A release made well after the sink's
// last call leaves nothing in progress to count: the window is microseconds, the delay 100 ms. Not longer:
// a proxy kept past its client's exit is one more chance for a later client that Wine gave the same pid
// (OXIDs and OIDs come from the pid and a counter) to meet a stale proxy.
namespace {

constexpr DWORD kLateReleaseMs = 100;

}  // namespace

void ReleaseLater(IUnknown* object) {
  static EventQueue* releases = new EventQueue();  // a thread of its own, never destroyed (see main.cc)
  releases->Schedule(kLateReleaseMs, [object] { object->Release(); });
}
