#include "late_release.h"

#include <windows.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>

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

constexpr ULONGLONG kLateReleaseMs = 100;

class ReleaseThread {
 public:
  ReleaseThread() : thread_([this] { Run(); }) {
    // The process exits without running static destructors' waits (see main.cc); never joined.
    thread_.detach();
  }

  void Add(IUnknown* object) {
    std::lock_guard<std::mutex> lock(mutex_);
    due_.emplace_back(GetTickCount64() + kLateReleaseMs, object);
    changed_.notify_one();
  }

 private:
  void Run() {
    // Sinks are proxies obtained on the MTA's RPC threads: this thread joins the same apartment.
    CoInitializeEx(nullptr, COINIT_MULTITHREADED);
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      if (due_.empty()) {
        changed_.wait(lock);
        continue;
      }
      const ULONGLONG now = GetTickCount64();
      if (due_.front().first > now) {
        changed_.wait_for(lock, std::chrono::milliseconds(due_.front().first - now));
        continue;
      }
      IUnknown* object = due_.front().second;
      due_.pop_front();
      lock.unlock();
      object->Release();
      lock.lock();
    }
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::pair<ULONGLONG, IUnknown*>> due_;  // (due tick, object), in due order: one delay for all
  std::thread thread_;
};

}  // namespace

void ReleaseLater(IUnknown* object) {
  static ReleaseThread* releases = new ReleaseThread();  // never destroyed, like the thread
  releases->Add(object);
}
