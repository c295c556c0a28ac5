// One connection to one server: what every object of it shares. Its own COM threads (a worker that runs
// its calls in order, a prober for liveness probes), the security its proxies get, and the deadline of
// every call, counted from when the call goes out. A call that outlives it is rejected (ERR_VS_TIMEOUT) and cancelled
// (CoCancelCall); one that still does not return makes the connection unresponsive for good: its
// pending and later calls reject at once (ERR_VS_UNRESPONSIVE), its streams end, its threads are
// abandoned. Deadlines run on ComThread::Local(), which never waits on a server.
#pragma once
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "com_thread.h"
#include "host_prober.h"
#include "hresult.h"
#include "live_count.h"
#include "proxy_security.h"

namespace vse {

class HostConnection : public std::enable_shared_from_this<HostConnection> {
 public:
  // What a finished call hands back: delivers its result. Runs at most once, on the worker.
  using Outcome = std::function<void()>;
  // Told (on the local thread) that the connection became unresponsive.
  using LossListener = std::function<void(const ComError& unresponsive)>;

  // JS thread. `where` names the server for messages ("VirtualServer.Application on host vs01").
  static std::shared_ptr<HostConnection> Create(std::shared_ptr<const ProxySecurity> security,
                                                std::chrono::milliseconds callTimeout, std::string where);

  const ProxySecurity& security() const { return *security_; }
  const std::shared_ptr<ComThread>& worker() const { return worker_; }
  const std::shared_ptr<ComThread>& prober() const { return prober_; }
  // The connection's one liveness probe, which its subscriptions share.
  HostProber& Liveness() const { return *liveness_; }
  std::chrono::milliseconds callTimeout() const { return callTimeout_; }
  const std::string& where() const { return where_; }
  bool IsUnresponsive() const { return unresponsive_; }

  // Any thread. Exactly one of these happens: `work` runs on the worker within the call timeout and its
  // Outcome runs; or `expired` runs once (on the local thread, or at once on the calling thread when the
  // connection is already unresponsive) with ERR_VS_TIMEOUT or ERR_VS_UNRESPONSIVE. `work` reports its
  // own failures through its Outcome and must not throw.
  void Call(std::function<Outcome()> work, std::function<void(const ComError&)> expired);

  // Any thread, once: nothing more is asked of this server. `why` ends "the server did not ...".
  void MarkUnresponsive(const std::string& why);

  // Listeners are kept until removed; a listener added after the loss is told at once.
  int AddLossListener(LossListener listener);
  void RemoveLossListener(int id);

  // The error of every call made after the loss.
  ComError UnresponsiveError() const;
  // JS thread, before the first call: true (and the error, ERR_VS_UNRESPONSIVE) when so many calls of
  // earlier connections to this server are stuck that a new one is refused rather than given threads.
  bool RefusedForStuckCalls(ComError* error) const;

  HostConnection(const HostConnection&) = delete;
  HostConnection& operator=(const HostConnection&) = delete;
  HostConnection() = default;
  // The credentials outlive it until its threads have run what was queued before: the last releases of
  // its proxies, which COM makes with the COAUTHIDENTITY it was given (proxy_security.h).
  ~HostConnection();

 private:
  struct PendingCall;
  using CallStep = void (HostConnection::*)(const std::shared_ptr<PendingCall>&);
  // At `when`, on the local thread, runs `step` for the call if both it and this connection still exist:
  // the timer holds them weakly, and is cancelled once the call is settled.
  void AtForCall(ComThread::Clock::time_point when, const std::shared_ptr<PendingCall>& call, CallStep step);
  // Local thread, callTimeout after the call went out: it rejects ERR_VS_TIMEOUT if still running.
  void OnDeadline(const std::shared_ptr<PendingCall>& call);
  // Local thread: while a call is queued, a task ahead of it that does not return makes the connection
  // unresponsive.
  void WatchQueued(const std::shared_ptr<PendingCall>& call);

  std::shared_ptr<const ProxySecurity> security_;
  std::shared_ptr<ComThread> worker_;
  std::shared_ptr<ComThread> prober_;
  std::shared_ptr<HostProber> liveness_;
  std::chrono::milliseconds callTimeout_;
  std::string where_;
  std::atomic<bool> unresponsive_{false};

  mutable std::mutex mutex_;
  std::string lostBecause_;
  std::vector<std::weak_ptr<PendingCall>> pending_;
  std::vector<std::pair<int, LossListener>> listeners_;
  int nextListenerId_ = 0;
  LiveCount<HostConnection> live_;
};

}  // namespace vse
