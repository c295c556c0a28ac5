#include "host_connection.h"

#include <algorithm>
#include <vector>

namespace vse {
namespace {

// How long a cancelled call may take to come back before its connection counts as unresponsive.
constexpr std::chrono::milliseconds kCancelGrace{1000};

// Threads abandoned to one server (a connection given up leaves its worker, stuck in the call, and its
// prober) past which a new connection to it is refused: a script that reconnects every second to a host
// hung for hours must not gather threads.
constexpr size_t kMaxStuckThreadsPerServer = 8;

// Windows cancels a blocked call with CoCancelCall. Wine exports it as an unimplemented function that
// aborts the process when called (Wine 8.0: "Call from ... to unimplemented function
// ole32.dll.CoCancelCall, aborting"), so under Wine (known by ntdll's wine_get_version) a call past its
// deadline is left to the grace period and the unresponsive path, as one Windows could not cancel.
bool CanCancelCalls() {
  static const bool underWine = GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "wine_get_version") != nullptr;
  return !underWine;
}

}  // namespace

struct HostConnection::PendingCall {
  enum State { kQueued, kRunning, kDone, kExpired };
  std::atomic<int> state{kQueued};
  std::atomic<bool> returned{false};  // the worker came back from the call, in time or not
  std::function<void(const ComError&)> expired;
  // Held while the worker marks the call returned and while a deadline cancels it: a cancel aimed at this
  // call must never reach the worker's next one.
  std::mutex returning;

  // Its timers on the local thread. Cancelled as soon as they cannot matter, so that a call rate times a
  // long callTimeout does not pile up timers.
  void KeepTimer(ComThread::TimerId id) {
    {
      std::lock_guard<std::mutex> lock(timersMutex);
      if (!settled) {
        timers.push_back(id);
        return;
      }
    }
    ComThread::Local().Cancel(id);
  }
  // `settle`: the call is over, and timers armed later are cancelled at once.
  void CancelTimers(bool settle) {
    std::vector<ComThread::TimerId> cancelled;
    {
      std::lock_guard<std::mutex> lock(timersMutex);
      settled = settled || settle;
      cancelled.swap(timers);
    }
    for (ComThread::TimerId id : cancelled) ComThread::Local().Cancel(id);
  }

  bool Move(int from, int to) { return state.compare_exchange_strong(from, to); }
  // The state it had when it expired; kDone or kExpired when it was not pending any more.
  int Expire() {
    int current = state.load();
    while ((current == kQueued || current == kRunning) && !state.compare_exchange_weak(current, kExpired)) {
    }
    return current;
  }

 private:
  std::mutex timersMutex;
  std::vector<ComThread::TimerId> timers;
  bool settled = false;
};

std::shared_ptr<HostConnection> HostConnection::Create(std::shared_ptr<const ProxySecurity> security,
                                                       std::chrono::milliseconds callTimeout, std::string where) {
  auto host = std::make_shared<HostConnection>();
  host->security_ = std::move(security);
  host->callTimeout_ = callTimeout;
  host->where_ = std::move(where);
  host->worker_ = ComThread::Start();
  host->prober_ = ComThread::Start();
  host->liveness_ = std::make_shared<HostProber>(host, host->prober_);
  return host;
}

HostConnection::~HostConnection() {
  // Both threads run releases of this connection's proxies (com_ref.h: a ComRef goes back to its home).
  std::shared_ptr<const ProxySecurity> security = security_;
  worker_->Post([security] {});
  prober_->Post([security] {});
}

void HostConnection::Call(std::function<Outcome()> work, std::function<void(const ComError&)> expired) {
  auto call = std::make_shared<PendingCall>();
  call->expired = std::move(expired);
  bool lost = false;
  {
    // Decided under the lock: either MarkUnresponsive finds this call among the pending ones, or it is lost now.
    std::lock_guard<std::mutex> lock(mutex_);
    lost = unresponsive_;
    if (!lost) {
      pending_.erase(std::remove_if(pending_.begin(), pending_.end(),
                                    [](const std::weak_ptr<PendingCall>& held) { return held.expired(); }),
                     pending_.end());
      pending_.push_back(call);
    }
  }
  if (lost) {
    call->expired(UnresponsiveError());
    return;
  }
  // The deadline is the host's to meet, so it starts when the call goes out: a call queued behind others
  // that the host answers in time waits for them and does not time out for their sake.
  std::weak_ptr<HostConnection> weak = shared_from_this();
  worker_->Post([weak, call, work = std::move(work)] {
    if (!call->Move(PendingCall::kQueued, PendingCall::kRunning)) return;  // lost while it waited
    call->CancelTimers(false);  // the queue's watch: from now on the call's own deadline runs
    if (std::shared_ptr<HostConnection> self = weak.lock())
      self->AtForCall(ComThread::Clock::now() + self->callTimeout_, call, &HostConnection::OnDeadline);
    Outcome outcome = work();
    {
      std::lock_guard<std::mutex> lock(call->returning);
      call->returned = true;
    }
    if (call->Move(PendingCall::kRunning, PendingCall::kDone)) {
      call->CancelTimers(true);
      outcome();
    }
  });
  AtForCall(ComThread::Clock::now() + callTimeout_, call, &HostConnection::WatchQueued);
}

void HostConnection::AtForCall(ComThread::Clock::time_point when, const std::shared_ptr<PendingCall>& call,
                               CallStep step) {
  std::weak_ptr<HostConnection> weak = shared_from_this();
  std::weak_ptr<PendingCall> weakCall = call;
  call->KeepTimer(ComThread::Local().PostAt(when, [weak, weakCall, step] {
    std::shared_ptr<HostConnection> self = weak.lock();
    std::shared_ptr<PendingCall> alive = weakCall.lock();
    if (self && alive) (self.get()->*step)(alive);
  }));
}

void HostConnection::WatchQueued(const std::shared_ptr<PendingCall>& call) {
  if (call->state != PendingCall::kQueued) return;  // it went out: its own deadline runs
  // Not every task of the worker is a call with a deadline: a proxy's last Release and an Unadvise at
  // teardown are remote calls too. One still running well past the point where a call of its own would
  // have made the connection unresponsive (callTimeout and the grace; a grace more, so that a call's own
  // path gets there first) holds up everything behind it for good: the connection is lost.
  const ComThread::Clock::time_point now = ComThread::Clock::now();
  ComThread::Clock::time_point since = now;
  const bool busy = worker_->BusySince(&since);
  const ComThread::Clock::time_point overdue = since + callTimeout_ + 2 * kCancelGrace;
  if (busy && overdue <= now) {
    MarkUnresponsive("did not return from a call within the call timeout of " + std::to_string(callTimeout_.count()) +
                     " ms");
    return;
  }
  AtForCall(busy ? overdue : now + callTimeout_, call, &HostConnection::WatchQueued);
}

void HostConnection::OnDeadline(const std::shared_ptr<PendingCall>& call) {
  // Only a running call has a deadline; one done or lost meanwhile has nothing left to expire.
  if (call->Expire() != PendingCall::kRunning) return;
  call->CancelTimers(true);
  ComError error;
  error.code = error_code::kTimeout;
  error.message = std::string("Virtual Server (") + where_ + ") did not answer within the call timeout of " +
                  std::to_string(callTimeout_.count()) + " ms. Raise callTimeout in connect() if the host is only slow";
  call->expired(error);
  if (CanCancelCalls()) {
    std::lock_guard<std::mutex> lock(call->returning);
    if (!call->returned) CoCancelCall(worker_->ThreadId(), 0);
  }
  std::weak_ptr<HostConnection> weak = shared_from_this();
  ComThread::Local().PostAt(ComThread::Clock::now() + kCancelGrace, [weak, call] {
    std::shared_ptr<HostConnection> self = weak.lock();
    if (self && !call->returned) self->MarkUnresponsive("did not return from a call even after it was cancelled");
  });
}

void HostConnection::MarkUnresponsive(const std::string& why) {
  std::vector<std::weak_ptr<PendingCall>> pending;
  std::vector<std::pair<int, LossListener>> listeners;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (unresponsive_) return;
    lostBecause_ = why;
    unresponsive_ = true;
    // Either may be blocked in a call that never returns: neither goes back to the idle threads.
    worker_->Abandon(where_);
    prober_->Abandon(where_);
    pending.swap(pending_);
    listeners = listeners_;
  }
  ComError error = UnresponsiveError();
  for (const std::weak_ptr<PendingCall>& held : pending) {
    std::shared_ptr<PendingCall> call = held.lock();
    if (!call) continue;
    int was = call->Expire();
    if (was != PendingCall::kQueued && was != PendingCall::kRunning) continue;
    call->CancelTimers(true);
    call->expired(error);
  }
  for (const auto& listener : listeners) listener.second(error);
}

int HostConnection::AddLossListener(LossListener listener) {
  int id = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    id = ++nextListenerId_;
    if (!unresponsive_) {
      listeners_.emplace_back(id, std::move(listener));
      return id;
    }
  }
  listener(UnresponsiveError());
  return id;
}

void HostConnection::RemoveLossListener(int id) {
  std::lock_guard<std::mutex> lock(mutex_);
  listeners_.erase(std::remove_if(listeners_.begin(), listeners_.end(),
                                  [id](const std::pair<int, LossListener>& entry) { return entry.first == id; }),
                   listeners_.end());
}

bool HostConnection::RefusedForStuckCalls(ComError* error) const {
  size_t stuck = ComThread::AbandonedTo(where_);
  if (stuck < kMaxStuckThreadsPerServer) return false;
  error->code = error_code::kUnresponsive;
  error->message = std::string("Virtual Server (") + where_ + ") stopped answering: " + std::to_string(stuck) +
                   " threads are still held by earlier connections to it whose calls have not returned. "
                   "connect() again once the host answers (event streams with reconnect do so by themselves)";
  return true;
}

ComError HostConnection::UnresponsiveError() const {
  std::string why;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    why = lostBecause_;
  }
  ComError error;
  error.code = error_code::kUnresponsive;
  error.message = std::string("Virtual Server (") + where_ + ") stopped answering: it " + why +
                  ". Nothing more is asked of this connection: connect() again once the host answers "
                  "(event streams with reconnect do so by themselves)";
  return error;
}

}  // namespace vse
