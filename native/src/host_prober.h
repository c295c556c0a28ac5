// The liveness probe of one connection: one round trip to its server every probe interval, however many
// event streams the connection has (they all ask the same server, and one prober thread would otherwise
// send their probes one after another, so that the last of N waited N round trips for its answer). The
// probe's timeout counts from when it goes out, as a call's deadline does (host_connection.h): an
// unanswered probe makes the connection unresponsive. A probe that fails is told to the subscribers: a
// failure of the server (RPC_S_SERVER_UNAVAILABLE...) to every one, an object the server disconnected
// (RPC_E_DISCONNECTED, CO_E_OBJNOTCONNECTED) only to the subscriber whose object was probed.
// Timers run on ComThread::Local(); probes on the connection's prober thread.
#pragma once
#include <windows.h>
#include <oaidl.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

#include "com_ref.h"
#include "com_thread.h"

namespace vse {

class HostConnection;

class HostProber : public std::enable_shared_from_this<HostProber> {
 public:
  // A failed probe: its HRESULT and how many probes in a row have failed. Runs on the prober thread.
  using FailureListener = std::function<void(HRESULT hr, int failuresInRow)>;

  HostProber(std::weak_ptr<HostConnection> host, std::shared_ptr<ComThread> thread);
  ~HostProber();
  HostProber(const HostProber&) = delete;
  HostProber& operator=(const HostProber&) = delete;

  // Any thread. `target` is the subscriber's own reference to an object of the server (its home is the
  // prober thread). The connection is probed every `interval` (the shortest any subscriber asked for)
  // with a timeout of `timeout` (likewise the shortest). Returns an id for Remove.
  int Add(ComRef<IDispatch> target, std::chrono::milliseconds interval, std::chrono::milliseconds timeout,
          FailureListener onFailure);
  // Any thread. Its target is released on the prober thread; the last subscriber's removal stops probing.
  void Remove(int id);

  // Probes sent so far (diagnostics and tests).
  unsigned long long ProbesSent() const { return probesSent_; }

 private:
  struct Subscriber {
    ComRef<IDispatch> target;
    std::chrono::milliseconds interval;
    std::chrono::milliseconds timeout;
    FailureListener onFailure;
  };
  // Local thread, at the probe time armed as `generation` (a later arming makes an earlier one stale).
  void Probe(unsigned long long generation);
  // Prober thread.
  void OnAnswer(int probedId, HRESULT hr);
  // Arms the next probe `interval` from now unless one is armed or running; with the lock held.
  void ScheduleLocked();

  std::weak_ptr<HostConnection> host_;
  std::shared_ptr<ComThread> thread_;

  mutable std::mutex mutex_;
  std::map<int, Subscriber> subscribers_;  // by id: the first is the longest-standing, and the one probed
  int nextId_ = 0;
  bool scheduled_ = false;  // a probe is armed or in flight
  ComThread::TimerId nextProbe_ = 0;
  unsigned long long generation_ = 0;
  int failuresInRow_ = 0;
  std::atomic<unsigned long long> probesSent_{0};
};

}  // namespace vse
