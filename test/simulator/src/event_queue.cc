#include "event_queue.h"

#include <objbase.h>

#include <chrono>

EventQueue::EventQueue() : thread_([this] { Run(); }) {}

EventQueue::~EventQueue() {
  // The process exits without running static destructors' waits (see main.cc); never joined.
  thread_.detach();
}

void EventQueue::Schedule(DWORD delayMs, std::function<void()> job) {
  std::lock_guard<std::mutex> lock(mutex_);
  jobs_.emplace(std::make_pair(GetTickCount64() + delayMs, sequence_++), std::move(job));
  changed_.notify_all();
}

bool EventQueue::WaitForIdle(DWORD timeoutMs) {
  std::unique_lock<std::mutex> lock(mutex_);
  return changed_.wait_for(lock, std::chrono::milliseconds(timeoutMs), [this] { return jobs_.empty() && !running_; });
}

void EventQueue::Run() {
  // Sinks are proxies obtained on the MTA's RPC threads: this thread joins the same apartment.
  CoInitializeEx(nullptr, COINIT_MULTITHREADED);
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    if (jobs_.empty()) {
      changed_.wait(lock);
      continue;
    }
    const auto first = jobs_.begin();
    const ULONGLONG now = GetTickCount64();
    if (first->first.first > now) {
      changed_.wait_for(lock, std::chrono::milliseconds(first->first.first - now));
      continue;
    }
    std::function<void()> job = std::move(first->second);
    jobs_.erase(first);
    running_ = true;
    lock.unlock();
    job();
    lock.lock();
    running_ = false;
    changed_.notify_all();
  }
}
