// The simulated host: its virtual machines, their state machine (virtual-machine-state-diagram.md) and
// the events every change fires. COM objects are thin views of it; all of it is shared by the process.
#pragma once
#include <windows.h>
#include <oaidl.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "event_queue.h"
#include "sink_list.h"

// Progress of one Startup/TurnOff/Save/Reset, shared with the IVMTask objects that report it.
struct TaskProgress {
  TaskProgress(std::wstring description, size_t steps);
  ~TaskProgress();
  void StepDone();  // the last step completes the task
  const std::wstring id;
  const std::wstring description;
  const size_t steps;
  std::atomic<size_t> done{0};
  const HANDLE completed;  // manual-reset event
};

struct VirtualMachineRecord {
  std::wstring name;
  std::wstring configId;
  std::wstring file;
  long state = 1;
  bool busy = false;     // a state sequence is in progress
  bool removed = false;  // RemoveVirtualMachine: every call fails with VM_E_VM_UNKNOWN
  std::wstring shutdownOutcome = L"none";
  bool additions = false;      // Virtual Machine Additions installed (SetGuestAdditions)
  bool heartbeatLost = false;  // OnHeartbeatStopped fired, and the guest has not booted since
  std::shared_ptr<SinkList> sinks;
};

using VmPtr = std::shared_ptr<VirtualMachineRecord>;
using TaskPtr = std::shared_ptr<TaskProgress>;

class World {
 public:
  static World& Instance();

  const std::shared_ptr<SinkList>& ServerSinks() const { return serverSinks_; }
  EventQueue& Queue() { return queue_; }
  long Pacing() const { return pacingMs_; }
  HRESULT SetPacing(long milliseconds);

  HRESULT Define(const std::wstring& name, long initialState);
  HRESULT Remove(const std::wstring& name);
  // Case-insensitive, as FindVirtualMachine's docs say; nullptr when absent.
  VmPtr Find(const std::wstring& name);
  // Like Find, but an unknown name is VM_E_VM_UNKNOWN with a description.
  HRESULT Lookup(const std::wstring& name, REFIID iid, VmPtr* vm);
  std::vector<VmPtr> All();
  // Reads a VM's state; VM_E_VM_UNKNOWN once it was removed.
  HRESULT ReadState(const VmPtr& vm, REFIID iid, long* state);

  // IVMVirtualMachine's control methods: validated now, their states fired later by the event thread.
  HRESULT Startup(const VmPtr& vm, TaskPtr* task);
  HRESULT TurnOff(const VmPtr& vm, TaskPtr* task);
  HRESULT Save(const VmPtr& vm, TaskPtr* task);
  HRESULT Reset(const VmPtr& vm, TaskPtr* task);
  HRESULT Pause(const VmPtr& vm);
  HRESULT Resume(const VmPtr& vm);

  // IVMGuestOS (ivmguestos.md): the properties the simulator models, with their pages' refusals, and
  // Shutdown, which fires a turn-off's states with a task.
  enum class GuestProperty { AdditionsVersion, CanShutdown, HeartbeatPercentage, IsHeartbeating, OSName };
  // `text` gets the BSTR properties, `number` the others (VARIANT_BOOL as 0 or 1).
  HRESULT ReadGuest(const VmPtr& vm, GuestProperty property, std::wstring* text, long* number);
  HRESULT GuestShutdown(const VmPtr& vm, TaskPtr* task);
  // Control surface: installs or removes the Additions; either brings a lost heartbeat back.
  HRESULT SetGuestAdditions(const VmPtr& vm, bool installed);

  // Control-surface injections (README.md): queued, fired in order by the event thread.
  void FireStateChange(const VmPtr& vm, long state);
  void FireHeartbeatStopped(const VmPtr& vm);
  void FireTripleFault(const VmPtr& vm);
  void FireReset(const VmPtr& vm);
  void FireRequestShutdown(const VmPtr& vm);
  void FireConfigurationChanged(const VmPtr& vm, const std::wstring& key, const VARIANT& data);
  void FireEventLogged(long id);
  void FireServiceEvent(long id);
  // `vm` may be null for the server-only events.
  HRESULT FireBurst(const std::wstring& eventName, long count, const VmPtr& vm);
  // Queues `count` OnConfigurationChanged("stamp", VT_R8 time of firing on qpc_clock.h's clock), `perSecond`
  // of them a second (0: back to back): what a reader's latency is measured against.
  HRESULT FireStamped(const VmPtr& vm, long count, long perSecond);
  std::wstring ShutdownOutcome(const VmPtr& vm);

 private:
  World();
  // Validates `allowedFrom` under the lock, marks the VM busy and queues `states`; the VM ends in
  // `finalState`. `refusal` is the HRESULT for every other state, `refusalText` its description.
  HRESULT StartSequence(const VmPtr& vm, const std::vector<long>& allowedFrom, HRESULT refusal,
                        const std::wstring& refusalText, const std::wstring& description, std::vector<long> states,
                        long finalState, TaskPtr* task);
  void QueueSequence(const VmPtr& vm, std::vector<long> states, long finalState, const TaskPtr& task);
  void FireState(const VmPtr& vm, long state);
  HRESULT Unknown(const std::wstring& name, REFIID iid);

  std::mutex mutex_;
  std::vector<VmPtr> vms_;
  std::shared_ptr<SinkList> serverSinks_;
  std::atomic<long> pacingMs_;
  EventQueue queue_;
};

// Environment variable as a number, or `fallback` when unset or not a number.
long EnvNumber(const wchar_t* name, long fallback);
