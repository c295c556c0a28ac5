// Threads that have joined COM's multithreaded apartment and run posted work in order.
// - Each connection has its own (host_connection.h): a worker for its calls and a prober for its
//   liveness probes, so that one host that stops answering stalls nothing of another.
// - Local() is the process's one thread for local work only (deadline timers, cancellation,
//   CoDisconnectObject): it never waits on a server, so deadlines fire even when every host hangs.
// JS threads never enter COM: they post work here. Threads are never joined. One whose handles are all
// gone waits, idle, for the next connection (a few are kept; the others end after a while idle); one
// abandoned (blocked in a call to a hung host) ends by itself if that call ever returns.
#pragma once
#include <windows.h>
#include <objbase.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace vse {

class ComThread {
 public:
  using Task = std::function<void()>;
  using Clock = std::chrono::steady_clock;
  // Names a task posted with PostAt, for Cancel. Ids are never reused.
  using TimerId = unsigned long long;

  // A thread of its own for the caller (an idle one, or a new one); its outgoing calls can be cancelled
  // with CoCancelCall.
  static std::shared_ptr<ComThread> Start();
  // Started on first use and never stopped (shared by every worker's env). It sets process COM
  // security, so it starts before any other COM thread.
  static ComThread& Local();
  // The ComThread the caller runs on; nullptr on JS threads and COM's RPC threads.
  static std::shared_ptr<ComThread> Current();
  // Whose COM security the process runs with: not set yet (no connection so far), ours (CoInitializeSecurity
  // with the callers' descriptor), the host process's (it set it first: RPC_E_TOO_LATE), or COM's defaults
  // (our call failed otherwise).
  enum class Security { NotSetYet, Ours, HostProcess, Defaults };
  static Security SecurityInForce();
  // True when process COM security is not ours: every proxy then gets CoSetProxyBlanket at impersonate
  // level instead.
  static bool SecurityWasPreset();
  // Threads of the process that run (the local one included), wait idle in the pool, or were abandoned
  // and have not come back from their call.
  struct Census {
    size_t running = 0;
    size_t idle = 0;
    size_t abandoned = 0;
  };
  static Census Count();
  // Threads abandoned to `owner` that have not ended: calls to it that never came back.
  static size_t AbandonedTo(const std::string& owner);

  ~ComThread();
  ComThread(const ComThread&) = delete;
  ComThread& operator=(const ComThread&) = delete;

  void Post(Task task);
  TimerId PostAt(Clock::time_point when, Task task);
  // Any thread: a timed task not yet due is dropped at once (its captures freed on the calling thread),
  // so that timers of work that finished early hold no memory until their time. Unknown ids do nothing.
  void Cancel(TimerId id);
  // Timed tasks not yet due (diagnostics).
  size_t TimerCount() const;
  bool IsCurrentThread() const;
  // Any thread: true, with the time its current task started, while it runs one.
  bool BusySince(Clock::time_point* since) const;
  DWORD ThreadId() const { return threadId_; }
  // Waits until everything posted before this call has run, or until `until`; false on timeout.
  bool Flush(Clock::time_point until);
  // Any thread: it may never come back from its current call, so it is not to be given to anyone again.
  // `owner` names what it waits on (a server's description), for AbandonedTo.
  void Abandon(const std::string& owner);
  bool IsAbandoned() const;

  struct State;  // opaque; public only for the idle list in com_thread.cc

 private:
  ComThread() = default;
  static void Run(std::shared_ptr<State> state, std::weak_ptr<ComThread> self, bool cancellable, bool setsSecurity);
  static std::shared_ptr<ComThread> Launch(bool cancellable, bool setsSecurity);

  std::shared_ptr<State> state_;
  DWORD threadId_ = 0;
};

}  // namespace vse
