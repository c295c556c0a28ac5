#include "world.h"

#include <algorithm>
#include <cwchar>
#include <cwctype>

#include "errors.h"
#include "event_delivery.h"
#include "qpc_clock.h"
#include "vssim_interfaces.h"

namespace {

// FireStamped's highest pace.
const long kMaxStampedPerSecond = 10000;

std::wstring NewGuidText() {
  GUID guid;
  CoCreateGuid(&guid);
  wchar_t text[64];
  StringFromGUID2(guid, text, 64);
  return text;
}

bool SameName(const std::wstring& a, const std::wstring& b) { return _wcsicmp(a.c_str(), b.c_str()) == 0; }

bool OneOf(long state, const std::vector<long>& states) {
  return std::find(states.begin(), states.end(), state) != states.end();
}

// A BSTR owned for the duration of one event job.
struct OwnedBstr {
  explicit OwnedBstr(const std::wstring& text)
      : value(SysAllocStringLen(text.data(), static_cast<UINT>(text.size()))) {}
  ~OwnedBstr() { SysFreeString(value); }
  OwnedBstr(const OwnedBstr&) = delete;
  OwnedBstr& operator=(const OwnedBstr&) = delete;
  BSTR value;
};

// A VARIANT copied for an event job queued for later (the caller's copy is freed when its call returns).
std::shared_ptr<VARIANT> CopyVariant(const VARIANT& source) {
  auto copy = std::shared_ptr<VARIANT>(new VARIANT, [](VARIANT* v) {
    VariantClear(v);
    delete v;
  });
  VariantInit(copy.get());
  VariantCopy(copy.get(), const_cast<VARIANT*>(&source));
  return copy;
}

}  // namespace

long EnvNumber(const wchar_t* name, long fallback) {
  wchar_t text[32];
  const DWORD length = GetEnvironmentVariableW(name, text, 32);
  if (length == 0 || length >= 32) return fallback;
  wchar_t* end = nullptr;
  const long value = wcstol(text, &end, 10);
  return (end != text && *end == L'\0') ? value : fallback;
}

TaskProgress::TaskProgress(std::wstring text, size_t stepCount)
    : id(NewGuidText()),
      description(std::move(text)),
      steps(stepCount),
      completed(CreateEventW(nullptr, TRUE, FALSE, nullptr)) {}

TaskProgress::~TaskProgress() { CloseHandle(completed); }

void TaskProgress::StepDone() {
  if (++done >= steps) SetEvent(completed);
}

World& World::Instance() {
  static World* world = new World();  // never destroyed: the process ends with ExitProcess
  return *world;
}

World::World()
    : serverSinks_(std::make_shared<SinkList>(VSSIM_IID_SERVER_EVENTS)),
      pacingMs_(EnvNumber(L"VSSIM_PACING_MS", EnvNumber(L"VSSIM_SCENARIO", 0) == 1 ? 1000 : 100)) {}

HRESULT World::SetPacing(long milliseconds) {
  if (milliseconds < 0 || milliseconds > 600000) {
    return ReportError(E_INVALIDARG, IID_IVMSimulatorControl,
                       L"PacingMilliseconds must be between 0 and 600000 (got " + std::to_wstring(milliseconds) + L")");
  }
  pacingMs_ = milliseconds;
  return S_OK;
}

HRESULT World::Define(const std::wstring& name, long initialState) {
  if (name.empty()) {
    return ReportError(VM_E_CONFIG_NO_NAME, IID_IVMSimulatorControl, L"DefineVirtualMachine needs a non-empty name");
  }
  if (!OneOf(initialState, {vmVMState_TurnedOff, vmVMState_Saved, vmVMState_Running, vmVMState_Paused})) {
    return ReportError(E_INVALIDARG, IID_IVMSimulatorControl,
                       L"DefineVirtualMachine's initialState must be TurnedOff (1), Saved (2), Running (5) or "
                       L"Paused (6), got " +
                           std::to_wstring(initialState));
  }
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& vm : vms_) {
    if (SameName(vm->name, name)) {
      return ReportError(VM_E_CONFIG_DUPLICATE_NAME, IID_IVMSimulatorControl,
                         L"A virtual machine named \"" + vm->name +
                             L"\" already exists (names are case-insensitive): "
                             L"pick another name or RemoveVirtualMachine it first");
    }
  }
  auto vm = std::make_shared<VirtualMachineRecord>();
  vm->name = name;
  vm->configId = NewGuidText();
  vm->file = L"C:\\Virtual Machines\\" + name + L"\\" + name + L".vmc";
  vm->state = initialState;
  vm->sinks = std::make_shared<SinkList>(VSSIM_IID_VM_EVENTS);
  vms_.push_back(vm);
  return S_OK;
}

HRESULT World::Remove(const std::wstring& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = vms_.begin(); it != vms_.end(); ++it) {
    if (SameName((*it)->name, name)) {
      (*it)->removed = true;
      vms_.erase(it);
      return S_OK;
    }
  }
  return Unknown(name, IID_IVMSimulatorControl);
}

VmPtr World::Find(const std::wstring& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& vm : vms_) {
    if (SameName(vm->name, name)) return vm;
  }
  return nullptr;
}

HRESULT World::Lookup(const std::wstring& name, REFIID iid, VmPtr* vm) {
  *vm = Find(name);
  return *vm ? S_OK : Unknown(name, iid);
}

HRESULT World::Unknown(const std::wstring& name, REFIID iid) {
  return ReportError(VM_E_VM_UNKNOWN, iid,
                     L"No virtual machine is named \"" + name + L"\": define it first with DefineVirtualMachine");
}

std::vector<VmPtr> World::All() {
  std::lock_guard<std::mutex> lock(mutex_);
  return vms_;
}

HRESULT World::ReadState(const VmPtr& vm, REFIID iid, long* state) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (vm->removed) {
    return ReportError(VM_E_VM_UNKNOWN, iid, L"The virtual machine \"" + vm->name + L"\" was removed");
  }
  *state = vm->state;
  return S_OK;
}

HRESULT World::StartSequence(const VmPtr& vm, const std::vector<long>& allowedFrom, HRESULT refusal,
                             const std::wstring& refusalText, const std::wstring& description, std::vector<long> states,
                             long finalState, TaskPtr* task) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (vm->removed) {
      return ReportError(VM_E_VM_UNKNOWN, IID_IVMVirtualMachine,
                         L"The virtual machine \"" + vm->name + L"\" was removed");
    }
    if (vm->busy) {
      // Startup (the only call allowed from TurnedOff) finds the VM on; every other call finds it not running.
      const HRESULT busy = OneOf(vmVMState_TurnedOff, allowedFrom) ? VM_E_VM_RUNNING : VM_E_VM_NOT_RUNNING;
      return ReportError(busy, IID_IVMVirtualMachine,
                         L"The virtual machine \"" + vm->name +
                             L"\" is changing state: wait for the current task or its last OnStateChange");
    }
    if (!OneOf(vm->state, allowedFrom)) {
      return ReportError(refusal, IID_IVMVirtualMachine, L"The virtual machine \"" + vm->name + L"\" " + refusalText);
    }
    vm->busy = true;
  }
  TaskPtr progress = std::make_shared<TaskProgress>(description + L" \"" + vm->name + L"\"", states.size());
  QueueSequence(vm, std::move(states), finalState, progress);
  if (task != nullptr) *task = progress;
  return S_OK;
}

void World::QueueSequence(const VmPtr& vm, std::vector<long> states, long finalState, const TaskPtr& task) {
  const DWORD pacing = static_cast<DWORD>(pacingMs_.load());
  for (size_t i = 0; i < states.size(); ++i) {
    const long state = states[i];
    const bool last = i + 1 == states.size();
    queue_.Schedule(static_cast<DWORD>(i) * pacing, [this, vm, state, last, finalState, task] {
      bool removed = false;
      {
        // Not busy before the last event: a client reacting to it may call the next method at once.
        std::lock_guard<std::mutex> lock(mutex_);
        removed = vm->removed;
        if (state == vmVMState_TurningOn) vm->heartbeatLost = false;  // a guest that boots again sends heartbeats
        vm->state = last ? finalState : state;
        if (last) vm->busy = false;
      }
      if (!removed) FireState(vm, state);
      if (task) task->StepDone();  // a removed VM's task still completes: nobody waits forever
    });
  }
}

void World::FireState(const VmPtr& vm, long state) {
  OwnedBstr name(vm->name);
  DeliverStateChange(*vm->sinks, state);
  DeliverVMStateChange(*serverSinks_, name.value, state);
}

HRESULT World::Startup(const VmPtr& vm, TaskPtr* task) {
  long state = 0;
  HRESULT hr = ReadState(vm, IID_IVMVirtualMachine, &state);
  if (FAILED(hr)) return hr;
  std::vector<long> states = {vmVMState_TurningOn, vmVMState_Running};
  if (state == vmVMState_Saved) states = {vmVMState_TurningOn, vmVMState_Restoring, vmVMState_Running};
  return StartSequence(vm, {vmVMState_TurnedOff, vmVMState_Saved}, VM_E_VM_RUNNING, L"is already running", L"Starting",
                       std::move(states), vmVMState_Running, task);
}

HRESULT World::TurnOff(const VmPtr& vm, TaskPtr* task) {
  return StartSequence(vm, {vmVMState_Running, vmVMState_Paused}, VM_E_VM_NOT_RUNNING, L"is not running",
                       L"Turning off", {vmVMState_TurningOff, vmVMState_DeleteMachine, vmVMState_TurnedOff},
                       vmVMState_TurnedOff, task);
}

HRESULT World::Save(const VmPtr& vm, TaskPtr* task) {
  // ivmvirtualmachine-save.md: State reads Saved once the save completed, after the TurnedOff event.
  return StartSequence(vm, {vmVMState_Running, vmVMState_Paused}, VM_E_VM_NOT_RUNNING, L"is not running", L"Saving",
                       {vmVMState_Saving, vmVMState_TurningOff, vmVMState_DeleteMachine, vmVMState_TurnedOff},
                       vmVMState_Saved, task);
}

HRESULT World::Reset(const VmPtr& vm, TaskPtr* task) {
  long state = 0;
  HRESULT hr = ReadState(vm, IID_IVMVirtualMachine, &state);
  if (FAILED(hr)) return hr;
  const bool paused = state == vmVMState_Paused;
  return StartSequence(vm, {vmVMState_Running}, paused ? VM_E_VM_PAUSED : VM_E_VM_NOT_RUNNING,
                       paused ? L"is paused: Resume it before Reset" : L"is not running", L"Resetting",
                       {vmVMState_TurningOff, vmVMState_DeleteMachine, vmVMState_TurningOn, vmVMState_Running},
                       vmVMState_Running, task);
}

HRESULT World::Pause(const VmPtr& vm) {
  long state = 0;
  HRESULT hr = ReadState(vm, IID_IVMVirtualMachine, &state);
  if (FAILED(hr)) return hr;
  const bool paused = state == vmVMState_Paused;
  return StartSequence(vm, {vmVMState_Running}, paused ? E_FAIL : VM_E_VM_NOT_RUNNING,
                       paused ? L"is already paused" : L"is not running", L"Pausing", {vmVMState_Paused},
                       vmVMState_Paused, nullptr);
}

HRESULT World::Resume(const VmPtr& vm) {
  return StartSequence(vm, {vmVMState_Paused}, E_FAIL, L"is not paused", L"Resuming", {vmVMState_Running},
                       vmVMState_Running, nullptr);
}

HRESULT World::ReadGuest(const VmPtr& vm, GuestProperty property, std::wstring* text, long* number) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (vm->removed) {
    return ReportError(VM_E_VM_UNKNOWN, IID_IVMGuestOS, L"The virtual machine \"" + vm->name + L"\" was removed");
  }
  // "Fully booted and not shutting down" (ivmguestos-isheartbeating.md): Running, no sequence in progress.
  const bool running = vm->state == vmVMState_Running && !vm->busy;
  const std::wstring noAdditions = L"The virtual machine \"" + vm->name +
                                   L"\" has no Virtual Machine Additions installed (or has never been started with "
                                   L"them): SetGuestAdditions installs them in the simulator";
  const std::wstring notRunning = L"The virtual machine \"" + vm->name + L"\" is not running";
  switch (property) {
    case GuestProperty::AdditionsVersion:
      // Read from the configuration's cache when the VM is not running (ivmguestos-additionsversion.md).
      if (!vm->additions) return ReportError(VM_E_ADDITIONS_NOT_AVAIL, IID_IVMGuestOS, noAdditions);
      *text = L"13.813";
      return S_OK;
    case GuestProperty::CanShutdown:
      if (!vm->additions) return ReportError(VM_E_ADDITIONS_NOT_AVAIL, IID_IVMGuestOS, noAdditions);
      *number = running ? 1 : 0;
      return S_OK;
    case GuestProperty::HeartbeatPercentage:
    case GuestProperty::IsHeartbeating:
      if (!running) return ReportError(VM_E_VM_NOT_RUNNING, IID_IVMGuestOS, notRunning);
      if (!vm->additions) return ReportError(VM_E_ADDITIONS_NOT_AVAIL, IID_IVMGuestOS, noAdditions);
      if (property == GuestProperty::IsHeartbeating) {
        *number = vm->heartbeatLost ? 0 : 1;
      } else {
        *number = vm->heartbeatLost ? 0 : 100;
      }
      return S_OK;
    case GuestProperty::OSName:
      if (!running) return ReportError(VM_E_VM_NOT_RUNNING, IID_IVMGuestOS, notRunning);
      if (!vm->additions) return ReportError(VM_E_ADDITIONS_FEATURE_NOT_AVAIL, IID_IVMGuestOS, noAdditions);
      *text = L"Windows Server 2003, Enterprise Edition";
      return S_OK;
  }
  return E_UNEXPECTED;
}

HRESULT World::GuestShutdown(const VmPtr& vm, TaskPtr* task) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (vm->removed) {
      return ReportError(VM_E_VM_UNKNOWN, IID_IVMGuestOS, L"The virtual machine \"" + vm->name + L"\" was removed");
    }
    if (vm->busy) {
      return ReportError(VM_E_VM_NOT_RUNNING, IID_IVMGuestOS,
                         L"The virtual machine \"" + vm->name +
                             L"\" is changing state: wait for the current task or its last OnStateChange");
    }
    if (vm->state != vmVMState_Running) {
      return ReportError(VM_E_VM_NOT_RUNNING, IID_IVMGuestOS,
                         L"The virtual machine \"" + vm->name + L"\" is not running");
    }
    if (!vm->additions) {
      return ReportError(VM_E_ADDITIONS_FEATURE_NOT_AVAIL, IID_IVMGuestOS,
                         L"The virtual machine \"" + vm->name +
                             L"\" has no Virtual Machine Additions installed: its guest cannot be asked to shut down");
    }
    vm->busy = true;
  }
  const std::vector<long> states = {vmVMState_TurningOff, vmVMState_DeleteMachine, vmVMState_TurnedOff};
  TaskPtr progress = std::make_shared<TaskProgress>(L"Shutting down the guest of \"" + vm->name + L"\"", states.size());
  QueueSequence(vm, states, vmVMState_TurnedOff, progress);
  *task = progress;
  return S_OK;
}

HRESULT World::SetGuestAdditions(const VmPtr& vm, bool installed) {
  std::lock_guard<std::mutex> lock(mutex_);
  vm->additions = installed;
  vm->heartbeatLost = false;
  return S_OK;
}

void World::FireStateChange(const VmPtr& vm, long state) {
  queue_.Schedule(0, [this, vm, state] {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      vm->state = state;
    }
    FireState(vm, state);
  });
}

void World::FireHeartbeatStopped(const VmPtr& vm) {
  queue_.Schedule(0, [this, vm] {
    {
      // IsHeartbeating reads false from this event on, until the guest boots again or SetGuestAdditions.
      std::lock_guard<std::mutex> lock(mutex_);
      vm->heartbeatLost = true;
    }
    OwnedBstr name(vm->name);
    DeliverHeartbeatStopped(*vm->sinks);
    DeliverServerHeartbeatStopped(*serverSinks_, name.value);
  });
}

void World::FireTripleFault(const VmPtr& vm) {
  queue_.Schedule(0, [vm] { DeliverTripleFault(*vm->sinks); });
}

void World::FireReset(const VmPtr& vm) {
  queue_.Schedule(0, [vm] { DeliverReset(*vm->sinks); });
}

void World::FireRequestShutdown(const VmPtr& vm) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    vm->shutdownOutcome = L"none";
  }
  queue_.Schedule(0, [this, vm] {
    const bool allowed = DeliverRequestShutdown(*vm->sinks);
    std::lock_guard<std::mutex> lock(mutex_);
    if (vm->removed || vm->busy || vm->state != vmVMState_Running) {
      vm->shutdownOutcome = L"ignored";
    } else if (!allowed) {
      vm->shutdownOutcome = L"refused";
    } else {
      vm->shutdownOutcome = L"proceeded";
      vm->busy = true;
      QueueSequence(vm, {vmVMState_TurningOff, vmVMState_DeleteMachine, vmVMState_TurnedOff}, vmVMState_TurnedOff,
                    nullptr);
    }
  });
}

std::wstring World::ShutdownOutcome(const VmPtr& vm) {
  std::lock_guard<std::mutex> lock(mutex_);
  return vm->shutdownOutcome;
}

void World::FireConfigurationChanged(const VmPtr& vm, const std::wstring& key, const VARIANT& data) {
  auto copy = CopyVariant(data);
  queue_.Schedule(0, [vm, key, copy] {
    OwnedBstr text(key);
    DeliverConfigurationChanged(*vm->sinks, text.value, *copy);
  });
}

void World::FireEventLogged(long id) {
  queue_.Schedule(0, [this, id] { DeliverEventLogged(*serverSinks_, id); });
}

void World::FireServiceEvent(long id) {
  queue_.Schedule(0, [this, id] { DeliverServiceEvent(*serverSinks_, id); });
}

HRESULT World::FireBurst(const std::wstring& eventName, long count, const VmPtr& vm) {
  static const wchar_t* const serverOnly[] = {L"OnEventLogged", L"OnServiceEvent"};
  static const wchar_t* const perVm[] = {L"OnConfigurationChanged", L"OnHeartbeatStopped", L"OnTripleFault", L"OnReset",
                                         L"OnStateChange"};
  const bool isServerOnly = eventName == serverOnly[0] || eventName == serverOnly[1];
  const bool isPerVm = std::find(std::begin(perVm), std::end(perVm), eventName) != std::end(perVm);
  if (!isServerOnly && !isPerVm) {
    return ReportError(E_INVALIDARG, IID_IVMSimulatorControl,
                       L"FireBurst cannot fire \"" + eventName +
                           L"\": use OnEventLogged, OnServiceEvent, "
                           L"OnConfigurationChanged, OnHeartbeatStopped, OnTripleFault, OnReset or OnStateChange");
  }
  if (count < 0) {
    return ReportError(E_INVALIDARG, IID_IVMSimulatorControl, L"FireBurst's count must be 0 or more");
  }
  if (isPerVm && !vm) {
    return ReportError(VM_E_VM_UNKNOWN, IID_IVMSimulatorControl,
                       L"FireBurst(\"" + eventName + L"\") needs the name of a defined virtual machine");
  }
  queue_.Schedule(0, [this, eventName, count, vm] {
    OwnedBstr key(L"burst");
    OwnedBstr name(vm ? vm->name : std::wstring());
    for (long i = 1; i <= count; ++i) {
      if (eventName == L"OnEventLogged") {
        DeliverEventLogged(*serverSinks_, i);
      } else if (eventName == L"OnServiceEvent") {
        DeliverServiceEvent(*serverSinks_, i);
      } else if (eventName == L"OnConfigurationChanged") {
        VARIANT data;
        VariantInit(&data);
        V_VT(&data) = VT_I4;
        V_I4(&data) = i;
        DeliverConfigurationChanged(*vm->sinks, key.value, data);
      } else if (eventName == L"OnHeartbeatStopped") {
        {
          std::lock_guard<std::mutex> lock(mutex_);
          vm->heartbeatLost = true;
        }
        DeliverHeartbeatStopped(*vm->sinks);
        DeliverServerHeartbeatStopped(*serverSinks_, name.value);
      } else if (eventName == L"OnTripleFault") {
        DeliverTripleFault(*vm->sinks);
      } else if (eventName == L"OnReset") {
        DeliverReset(*vm->sinks);
      } else {
        const long state = i % 2 == 1 ? vmVMState_Running : vmVMState_Paused;
        DeliverStateChange(*vm->sinks, state);
        DeliverVMStateChange(*serverSinks_, name.value, state);
      }
    }
  });
  return S_OK;
}

HRESULT World::FireStamped(const VmPtr& vm, long count, long perSecond) {
  if (!vm) {
    return ReportError(VM_E_VM_UNKNOWN, IID_IVMSimulatorControl,
                       L"FireStamped needs the name of a defined virtual machine");
  }
  if (count < 0 || perSecond < 0 || perSecond > kMaxStampedPerSecond) {
    return ReportError(
        E_INVALIDARG, IID_IVMSimulatorControl,
        L"FireStamped's count must be 0 or more and perSecond between 0 and " + std::to_wstring(kMaxStampedPerSecond));
  }
  queue_.Schedule(0, [vm, count, perSecond] {
    OwnedBstr key(L"stamp");
    const double start = qpc::NowMs();
    for (long i = 0; i < count; ++i) {
      // Sleeps, never spins (as qpc::WaitUntil does for its last 2 ms): the bench's scale case runs up to 40
      // of these beside the collector on the same cores, and each stamp is read when its event fires, so a
      // late wake-up shifts the pace but not the latency measured.
      const double waitMs = perSecond > 0 ? start + 1000.0 * i / perSecond - qpc::NowMs() : 0;
      if (waitMs >= 1) Sleep(static_cast<DWORD>(waitMs));
      VARIANT data;
      VariantInit(&data);
      V_VT(&data) = VT_R8;
      V_R8(&data) = qpc::NowMs();
      DeliverConfigurationChanged(*vm->sinks, key.value, data);
    }
  });
  return S_OK;
}
