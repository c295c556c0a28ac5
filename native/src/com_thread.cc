#include "com_thread.h"

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

namespace vse {

struct ComThread::State {
  std::mutex mutex;
  std::condition_variable wake;
  std::deque<Task> ready;
  std::multimap<Clock::time_point, Task> timed;
  std::mutex startupMutex;
  std::condition_variable startupDone;
  bool started = false;
};

ComThread& ComThread::Get() {
  // Deliberately leaked: a static's destructor would run at exit while RPC threads may still post here.
  static ComThread* instance = new ComThread(true);
  return *instance;
}

ComThread& ComThread::Probes() {
  Get();  // process security is set first, by the COM thread
  static ComThread* instance = new ComThread(false);
  return *instance;
}

ComThread::ComThread(bool setsSecurity) : state_(new State()) {
  std::thread thread([this, setsSecurity] { Run(setsSecurity); });
  thread.detach();
  std::unique_lock<std::mutex> lock(state_->startupMutex);
  state_->startupDone.wait(lock, [this] { return state_->started; });
}

void ComThread::Run(bool setsSecurity) {
  threadId_ = GetCurrentThreadId();
  CoInitializeEx(nullptr, COINIT_MULTITHREADED);
  if (setsSecurity) {
    // The documented call (connecting-to-the-virtual-server-com-object.md). It fails with RPC_E_TOO_LATE
    // when the host process already set security; proxies then get a blanket each (see SecurityWasPreset).
    HRESULT security = CoInitializeSecurity(nullptr, -1, nullptr, nullptr, RPC_C_AUTHN_LEVEL_PKT_PRIVACY,
                                            RPC_C_IMP_LEVEL_IMPERSONATE, nullptr, EOAC_DYNAMIC_CLOAKING, nullptr);
    securityWasPreset_ = security == RPC_E_TOO_LATE;
  }
  {
    std::lock_guard<std::mutex> lock(state_->startupMutex);
    state_->started = true;
  }
  state_->startupDone.notify_all();

  std::unique_lock<std::mutex> lock(state_->mutex);
  for (;;) {
    Clock::time_point now = Clock::now();
    while (!state_->timed.empty() && state_->timed.begin()->first <= now) {
      state_->ready.push_back(std::move(state_->timed.begin()->second));
      state_->timed.erase(state_->timed.begin());
    }
    if (!state_->ready.empty()) {
      Task task = std::move(state_->ready.front());
      state_->ready.pop_front();
      lock.unlock();
      try {
        task();  // tasks report their own failures (see com_call.h)
      } catch (...) {
        // Only an allocation failure can get here; the thread must outlive it.
      }
      task = nullptr;  // destroy captures outside the lock, they may release COM objects
      lock.lock();
    } else if (!state_->timed.empty()) {
      state_->wake.wait_until(lock, state_->timed.begin()->first);
    } else {
      state_->wake.wait(lock);
    }
  }
}

void ComThread::Post(Task task) {
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->ready.push_back(std::move(task));
  }
  state_->wake.notify_one();
}

void ComThread::PostAt(Clock::time_point when, Task task) {
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->timed.emplace(when, std::move(task));
  }
  state_->wake.notify_one();
}

void ComThread::Flush(std::chrono::milliseconds timeout) {
  if (IsCurrentThread()) return;
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
  marker->reached.wait_for(lock, timeout, [&marker] { return marker->done; });
}

bool ComThread::IsCurrentThread() const { return GetCurrentThreadId() == threadId_; }

void ComThread::Release(IUnknown* object) {
  if (object == nullptr) return;
  ComThread& thread = Get();
  if (thread.IsCurrentThread()) {
    object->Release();
  } else {
    thread.Post([object] { object->Release(); });
  }
}

}  // namespace vse
