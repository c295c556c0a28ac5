// The process's COM thread. It joins the multithreaded apartment, sets process COM security at
// impersonate level (as Virtual Server requires) and runs every COM call the addon makes, one at a time,
// plus timed work. JS threads never enter COM: they post work here. A second thread of the same kind,
// Probes(), makes the liveness probes, whose calls may block for long on an unreachable host.
#pragma once
#include <windows.h>
#include <objbase.h>

#include <chrono>
#include <functional>

namespace vse {

class ComThread {
 public:
  using Task = std::function<void()>;
  using Clock = std::chrono::steady_clock;

  // Started on first use and never stopped: it lives as long as the process (shared by every worker's
  // env), so no env teardown ever waits for it and process exit never joins it.
  static ComThread& Get();
  static ComThread& Probes();

  void Post(Task task);
  void PostAt(Clock::time_point when, Task task);
  bool IsCurrentThread() const;
  // Waits (at most `timeout`) until everything posted before this call has run.
  void Flush(std::chrono::milliseconds timeout);

  // True when the host process had set COM security before us (RPC_E_TOO_LATE): every proxy then
  // gets CoSetProxyBlanket at impersonate level instead.
  bool SecurityWasPreset() const { return securityWasPreset_; }

  // Releases an interface pointer on the COM thread (now, when already there).
  static void Release(IUnknown* object);

 private:
  explicit ComThread(bool setsSecurity);
  struct State;
  void Run(bool setsSecurity);

  State* state_;
  DWORD threadId_ = 0;
  bool securityWasPreset_ = false;
};

}  // namespace vse
