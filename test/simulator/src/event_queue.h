// The one background thread that fires every event, in order, never inside a caller's call. Jobs run at
// their due time; jobs due at the same time run in the order they were queued.
#pragma once
#include <windows.h>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

class EventQueue {
 public:
  EventQueue();
  ~EventQueue();
  EventQueue(const EventQueue&) = delete;
  EventQueue& operator=(const EventQueue&) = delete;

  // Runs `job` on the event thread `delayMs` from now.
  void Schedule(DWORD delayMs, std::function<void()> job);
  // True once nothing is queued or running (false when `timeoutMs` passed first).
  bool WaitForIdle(DWORD timeoutMs);

 private:
  void Run();

  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::pair<ULONGLONG, uint64_t>, std::function<void()>> jobs_;  // (due tick, sequence)
  uint64_t sequence_ = 0;
  bool running_ = false;
  std::thread thread_;
};
