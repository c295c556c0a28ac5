#include "com_thread.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "caller_access.h"

namespace vse {

struct ComThread::State {
  std::mutex mutex;
  std::condition_variable wake;
  std::deque<Task> ready;
  // Keyed by when, then by id: ids are unique, so a key finds exactly one task to cancel.
  std::map<std::pair<Clock::time_point, TimerId>, Task> timed;
  std::map<TimerId, Clock::time_point> timedAt;  // id -> its key's time, for Cancel
  TimerId nextTimerId = 0;
  bool stopping = false;        // abandoned and every handle gone: end once the queue is empty
  bool abandoned = false;       // its connection gave up on it: it may never come back from a call
  bool busy = false;            // running a task
  Clock::time_point busySince;  // when the running task started
  DWORD threadId = 0;
  bool started = false;
  Clock::time_point idleSince;  // when it went back to the pool
  std::string owner;            // what it was abandoned to (a server's description)
};

namespace {

std::atomic<ComThread::Security> securityInForce{ComThread::Security::NotSetYet};
std::atomic<size_t> runningThreads{0};
std::atomic<size_t> abandonedThreads{0};  // abandoned, still in their call
// Weak: a thread whose handles are all gone is no longer anybody's home (see ComRef).
thread_local std::weak_ptr<ComThread> currentThread;

// Threads whose handles are all gone wait here, idle, for the next connection instead of ending: under
// Wine 8.0 a COM thread ending while a worker thread of Node ended has hung the process in CloseHandle,
// and a reconnection loop would otherwise start two threads at every try. Abandoned threads never come here.
std::mutex idleMutex;
std::vector<std::shared_ptr<ComThread::State>>* idleThreads = new std::vector<std::shared_ptr<ComThread::State>>();
// Abandoned threads not yet ended, by what they were abandoned to (under idleMutex).
std::map<std::string, size_t>* abandonedByOwner = new std::map<std::string, size_t>();

// The pool keeps this many idle threads however long they wait; the others end once idle this long
// (a burst of connections leaves no crowd of threads behind, and a steady reconnection reuses them).
constexpr size_t kKeptIdle = 4;
constexpr std::chrono::seconds kIdleLifetime{10};
// An idle thread still in its last owner's task after this long is stuck in a call that has no deadline
// (a proxy's last release, an unadvise at teardown): it leaves the pool, to end if the call ever returns.
constexpr std::chrono::seconds kStuckAfter{60};

// With idleMutex held: `state` ends after its queue instead of waiting for another owner.
void EndLocked(ComThread::State& state) {
  state.stopping = true;
  state.wake.notify_all();
}

// With idleMutex held: lets go of stuck threads and of idle ones past their lifetime beyond the few kept.
void TrimPoolLocked(ComThread::Clock::time_point now) {
  size_t kept = 0;
  // Newest first: those are the ones kept.
  for (auto it = idleThreads->rbegin(); it != idleThreads->rend();) {
    ComThread::State& state = **it;
    std::unique_lock<std::mutex> lock(state.mutex);
    bool stuck = state.busy && now - state.busySince > kStuckAfter;
    bool idle = !state.busy && state.ready.empty();
    bool expired = idle && now - state.idleSince > kIdleLifetime && kept >= kKeptIdle;
    if (idle && !expired) ++kept;
    if (!stuck && !expired) {
      ++it;
      continue;
    }
    if (stuck) {
      state.abandoned = true;
      ++abandonedThreads;
      ++(*abandonedByOwner)[state.owner];
    }
    EndLocked(state);
    lock.unlock();
    it = decltype(it)(idleThreads->erase(std::next(it).base()));
  }
}

}  // namespace

std::shared_ptr<ComThread> ComThread::Start() {
  Local();  // process security is set first, by the local thread
  {
    std::lock_guard<std::mutex> idleLock(idleMutex);
    TrimPoolLocked(Clock::now());
    for (auto it = idleThreads->begin(); it != idleThreads->end(); ++it) {
      std::shared_ptr<State> state = *it;
      std::unique_lock<std::mutex> lock(state->mutex);
      if (state->busy || !state->ready.empty()) continue;  // still finishing its last owner's work
      idleThreads->erase(it);
      std::shared_ptr<ComThread> handle(new ComThread());
      handle->state_ = state;
      handle->threadId_ = state->threadId;
      std::weak_ptr<ComThread> weak = handle;
      state->ready.push_back([weak] { currentThread = weak; });
      lock.unlock();
      state->wake.notify_one();
      return handle;
    }
  }
  return Launch(true, false);
}

ComThread& ComThread::Local() {
  // Deliberately leaked: a static's destructor would run at exit while RPC threads may still post here.
  static std::shared_ptr<ComThread>* instance = new std::shared_ptr<ComThread>(Launch(false, true));
  return **instance;
}

std::shared_ptr<ComThread> ComThread::Current() { return currentThread.lock(); }

ComThread::Security ComThread::SecurityInForce() { return securityInForce; }

bool ComThread::SecurityWasPreset() {
  Security security = securityInForce;
  return security == Security::HostProcess || security == Security::Defaults;
}

ComThread::Census ComThread::Count() {
  Census census;
  census.running = runningThreads;
  census.abandoned = abandonedThreads;
  std::lock_guard<std::mutex> idleLock(idleMutex);
  census.idle = idleThreads->size();
  return census;
}

size_t ComThread::AbandonedTo(const std::string& owner) {
  std::lock_guard<std::mutex> idleLock(idleMutex);
  auto found = abandonedByOwner->find(owner);
  return found == abandonedByOwner->end() ? 0 : found->second;
}

std::shared_ptr<ComThread> ComThread::Launch(bool cancellable, bool setsSecurity) {
  std::shared_ptr<ComThread> handle(new ComThread());
  handle->state_ = std::make_shared<State>();
  std::shared_ptr<State> state = handle->state_;
  std::thread(Run, state, std::weak_ptr<ComThread>(handle), cancellable, setsSecurity).detach();
  std::unique_lock<std::mutex> lock(state->mutex);
  state->wake.wait(lock, [&state] { return state->started; });
  handle->threadId_ = state->threadId;
  return handle;
}

ComThread::~ComThread() {
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->stopping = state_->abandoned;
  }
  state_->wake.notify_all();
  if (state_->stopping) return;
  std::lock_guard<std::mutex> idleLock(idleMutex);
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->idleSince = Clock::now();
  }
  idleThreads->push_back(state_);
  // Once this one's lifetime is up, the pool is trimmed even if no connection comes to do it.
  Local().PostAt(Clock::now() + kIdleLifetime + std::chrono::seconds(1), [] {
    std::lock_guard<std::mutex> trimLock(idleMutex);
    TrimPoolLocked(Clock::now());
  });
}

void ComThread::Abandon(const std::string& owner) {
  std::lock_guard<std::mutex> idleLock(idleMutex);
  std::lock_guard<std::mutex> lock(state_->mutex);
  if (state_->abandoned) return;
  state_->abandoned = true;
  state_->owner = owner;
  ++abandonedThreads;
  ++(*abandonedByOwner)[owner];
}

bool ComThread::IsAbandoned() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->abandoned;
}

void ComThread::Run(std::shared_ptr<State> state, std::weak_ptr<ComThread> self, bool cancellable, bool setsSecurity) {
  currentThread = std::move(self);
  ++runningThreads;
  CoInitializeEx(nullptr, COINIT_MULTITHREADED);
  if (setsSecurity) {
    // The documented call (connecting-to-the-virtual-server-com-object.md). It fails with RPC_E_TOO_LATE
    // when the host process already set security; proxies then get a blanket each (see SecurityWasPreset).
    // connect() has built the callers' descriptor before any COM thread starts (and reported a wrong
    // VSE_EVENT_CALLERS): only a failure it could not foresee leaves COM's machine-wide default here.
    SECURITY_DESCRIPTOR* callers = nullptr;
    try {
      callers = CallerAccess::Process().Descriptor();
    } catch (const CallerAccess::Invalid&) {
    }
    HRESULT security = CoInitializeSecurity(callers, -1, nullptr, nullptr, RPC_C_AUTHN_LEVEL_PKT_PRIVACY,
                                            RPC_C_IMP_LEVEL_IMPERSONATE, nullptr, EOAC_DYNAMIC_CLOAKING, nullptr);
    securityInForce = security == RPC_E_TOO_LATE ? Security::HostProcess
                      : FAILED(security)         ? Security::Defaults
                                                 : Security::Ours;
  }
  // Lets a deadline cancel this thread's blocked call (CoCancelCall). Wine cannot cancel calls
  // (host_connection.cc), so there a call that does not return leaves its connection unresponsive instead.
  if (cancellable) CoEnableCallCancellation(nullptr);
  std::unique_lock<std::mutex> lock(state->mutex);
  state->threadId = GetCurrentThreadId();
  state->started = true;
  state->wake.notify_all();
  for (;;) {
    Clock::time_point now = Clock::now();
    while (!state->timed.empty() && state->timed.begin()->first.first <= now) {
      state->ready.push_back(std::move(state->timed.begin()->second));
      state->timedAt.erase(state->timed.begin()->first.second);
      state->timed.erase(state->timed.begin());
    }
    if (!state->ready.empty()) {
      Task task = std::move(state->ready.front());
      state->ready.pop_front();
      state->busy = true;
      state->busySince = Clock::now();
      lock.unlock();
      try {
        task();  // tasks report their own failures (see com_call.h)
      } catch (...) {
        // Only an allocation failure can get here; the thread must outlive it.
      }
      task = nullptr;  // destroy captures outside the lock, they may release COM objects
      lock.lock();
      state->busy = false;
    } else if (state->stopping && state->timed.empty()) {
      break;
    } else if (!state->timed.empty()) {
      state->wake.wait_until(lock, state->timed.begin()->first.first);
    } else {
      state->wake.wait(lock);
    }
  }
  const bool wasAbandoned = state->abandoned;
  const std::string owner = state->owner;
  lock.unlock();
  CoUninitialize();
  if (wasAbandoned) {
    std::lock_guard<std::mutex> idleLock(idleMutex);
    --abandonedThreads;
    auto count = abandonedByOwner->find(owner);
    if (count != abandonedByOwner->end() && --count->second == 0) abandonedByOwner->erase(count);
  }
  --runningThreads;
}

void ComThread::Post(Task task) {
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->ready.push_back(std::move(task));
  }
  state_->wake.notify_one();
}

ComThread::TimerId ComThread::PostAt(Clock::time_point when, Task task) {
  TimerId id = 0;
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    id = ++state_->nextTimerId;
    state_->timed.emplace(std::make_pair(when, id), std::move(task));
    state_->timedAt.emplace(id, when);
  }
  state_->wake.notify_one();
  return id;
}

void ComThread::Cancel(TimerId id) {
  Task dropped;  // its captures are freed outside the lock
  std::lock_guard<std::mutex> lock(state_->mutex);
  auto at = state_->timedAt.find(id);
  if (at == state_->timedAt.end()) return;
  auto entry = state_->timed.find(std::make_pair(at->second, id));
  dropped = std::move(entry->second);
  state_->timed.erase(entry);
  state_->timedAt.erase(at);
}

size_t ComThread::TimerCount() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->timed.size();
}

bool ComThread::Flush(Clock::time_point until) {
  if (IsCurrentThread()) return true;
  struct Marker {
    std::mutex mutex;
    std::condition_variable reached;
    bool done = false;
  };
  auto marker = std::make_shared<Marker>();
  Post([marker] {
    std::lock_guard<std::mutex> lock(marker->mutex);
    marker->done = true;
    marker->reached.notify_all();
  });
  std::unique_lock<std::mutex> lock(marker->mutex);
  return marker->reached.wait_until(lock, until, [&marker] { return marker->done; });
}

bool ComThread::BusySince(Clock::time_point* since) const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  if (state_->busy) *since = state_->busySince;
  return state_->busy;
}

bool ComThread::IsCurrentThread() const { return GetCurrentThreadId() == threadId_; }

}  // namespace vse
