#include "host_prober.h"

#include <algorithm>
#include <string>
#include <vector>

#include "host_connection.h"

namespace vse {
namespace {

// Failures that concern the one object probed, not the server: the server disconnected that object.
bool IsObjectGone(HRESULT hr) { return hr == RPC_E_DISCONNECTED || hr == CO_E_OBJNOTCONNECTED; }

}  // namespace

HostProber::HostProber(std::weak_ptr<HostConnection> host, std::shared_ptr<ComThread> thread)
    : host_(std::move(host)), thread_(std::move(thread)) {}

HostProber::~HostProber() {
  if (nextProbe_ != 0) ComThread::Local().Cancel(nextProbe_);
}

int HostProber::Add(ComRef<IDispatch> target, std::chrono::milliseconds interval, std::chrono::milliseconds timeout,
                    FailureListener onFailure) {
  std::lock_guard<std::mutex> lock(mutex_);
  int id = ++nextId_;
  subscribers_.emplace(id, Subscriber{std::move(target), interval, timeout, std::move(onFailure)});
  ScheduleLocked();
  return id;
}

void HostProber::Remove(int id) {
  ComRef<IDispatch> target;  // released on its home, the prober thread, outside the lock
  ComThread::TimerId cancelled = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = subscribers_.find(id);
    if (found == subscribers_.end()) return;
    target = std::move(found->second.target);
    subscribers_.erase(found);
    if (subscribers_.empty() && nextProbe_ != 0) {
      cancelled = std::exchange(nextProbe_, 0);
      scheduled_ = false;
    }
  }
  if (cancelled != 0) ComThread::Local().Cancel(cancelled);
}

void HostProber::ScheduleLocked() {
  if (scheduled_ || subscribers_.empty()) return;
  std::chrono::milliseconds interval = subscribers_.begin()->second.interval;
  for (const auto& entry : subscribers_) interval = std::min(interval, entry.second.interval);
  scheduled_ = true;
  std::weak_ptr<HostProber> weak = shared_from_this();
  unsigned long long generation = ++generation_;
  nextProbe_ = ComThread::Local().PostAt(ComThread::Clock::now() + interval, [weak, generation] {
    if (std::shared_ptr<HostProber> self = weak.lock()) self->Probe(generation);
  });
}

void HostProber::Probe(unsigned long long generation) {
  std::shared_ptr<HostConnection> host = host_.lock();
  if (!host || host->IsUnresponsive()) return;
  auto target = std::make_shared<ComRef<IDispatch>>();
  int probedId = 0;
  std::chrono::milliseconds timeout{0};
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // Removing the last subscriber cancels the timer, but it may have fired meanwhile; a new arming
    // since then has its own timer.
    if (generation != generation_) return;
    nextProbe_ = 0;
    if (subscribers_.empty()) {
      scheduled_ = false;
      return;
    }
    probedId = subscribers_.begin()->first;
    timeout = subscribers_.begin()->second.timeout;
    for (const auto& entry : subscribers_) timeout = std::min(timeout, entry.second.timeout);
    // A reference of the probe's own: the subscriber may go while the probe is out.
    *target = ComRef<IDispatch>::Share(subscribers_.begin()->second.target.get(), thread_);
  }
  // The prober runs only probes and the releases of subscribers' targets: one busy for longer than a probe
  // may take is stuck in a release the server never answers, and no probe would go out behind it.
  ComThread::Clock::time_point busySince;
  if (thread_->BusySince(&busySince) && ComThread::Clock::now() - busySince > timeout) {
    host->MarkUnresponsive("did not answer a liveness probe within " + std::to_string(timeout.count()) + " ms");
    return;
  }
  auto answered = std::make_shared<std::atomic<bool>>(false);
  std::weak_ptr<HostConnection> weakHost = host;
  std::shared_ptr<HostProber> self = shared_from_this();
  thread_->Post([self, target, answered, probedId, timeout, weakHost] {
    // The timeout counts from here, when the probe goes out.
    ComThread::TimerId expiry = ComThread::Local().PostAt(ComThread::Clock::now() + timeout, [weakHost, answered,
                                                                                              timeout] {
      if (answered->exchange(true)) return;
      if (std::shared_ptr<HostConnection> alive = weakHost.lock())
        alive->MarkUnresponsive("did not answer a liveness probe within " + std::to_string(timeout.count()) + " ms");
    });
    ++self->probesSent_;
    // A round trip to the server: proxies answer it remotely, so a dead or hung server shows here.
    UINT count = 0;
    HRESULT hr = (*target)->GetTypeInfoCount(&count);
    if (answered->exchange(true)) return;  // too late: the connection is unresponsive already
    ComThread::Local().Cancel(expiry);
    self->OnAnswer(probedId, hr);
  });
}

void HostProber::OnAnswer(int probedId, HRESULT hr) {
  std::vector<FailureListener> told;
  int failuresInRow = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    scheduled_ = false;
    if (SUCCEEDED(hr)) {
      failuresInRow_ = 0;
    } else if (IsObjectGone(hr)) {
      auto probed = subscribers_.find(probedId);
      if (probed != subscribers_.end()) told.push_back(probed->second.onFailure);
    } else {
      failuresInRow = ++failuresInRow_;
      for (const auto& entry : subscribers_) told.push_back(entry.second.onFailure);
    }
    ScheduleLocked();
  }
  // Outside the lock: a listener that ends its subscription removes it from here.
  for (const FailureListener& listener : told) listener(hr, IsObjectGone(hr) ? 1 : failuresInRow);
}

}  // namespace vse
