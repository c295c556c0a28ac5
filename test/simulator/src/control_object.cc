// IVMSimulatorControl: the test-only control surface (README.md documents every verb).
#include "call_latency.h"
#include "dispatch_object.h"
#include "errors.h"
#include "event_delivery.h"
#include "class_registration.h"
#include "objects.h"
#include "scenario.h"

namespace {

std::wstring Str(BSTR text) { return text == nullptr ? std::wstring() : std::wstring(text, SysStringLen(text)); }

class ControlObject : public DispatchObject<IVMSimulatorControl> {
 public:
  STDMETHODIMP get_Build(BSTR* build) override {
    if (build == nullptr) return E_POINTER;
    *build = SysAllocString(VSSIM_BUILD_NAME);
    return S_OK;
  }
  STDMETHODIMP get_ProcessId(long* id) override { return Number(static_cast<long>(GetCurrentProcessId()), id); }
  STDMETHODIMP get_PacingMilliseconds(long* ms) override { return Number(World::Instance().Pacing(), ms); }
  STDMETHODIMP put_PacingMilliseconds(long ms) override { return World::Instance().SetPacing(ms); }
  STDMETHODIMP get_EventsDelivered(long* count) override { return Number(EventsDelivered(), count); }

  STDMETHODIMP DefineVirtualMachine(BSTR name, long initialState) override {
    return World::Instance().Define(Str(name), initialState);
  }
  STDMETHODIMP RemoveVirtualMachine(BSTR name) override { return World::Instance().Remove(Str(name)); }
  STDMETHODIMP SetGuestAdditions(BSTR vmName, VARIANT_BOOL installed) override {
    return WithVm(
        vmName, [installed](const VmPtr& vm) { World::Instance().SetGuestAdditions(vm, installed != VARIANT_FALSE); });
  }
  STDMETHODIMP FireStateChange(BSTR vmName, long state) override {
    return WithVm(vmName, [state](const VmPtr& vm) { World::Instance().FireStateChange(vm, state); });
  }
  STDMETHODIMP FireHeartbeatStopped(BSTR vmName) override {
    return WithVm(vmName, [](const VmPtr& vm) { World::Instance().FireHeartbeatStopped(vm); });
  }
  STDMETHODIMP FireTripleFault(BSTR vmName) override {
    return WithVm(vmName, [](const VmPtr& vm) { World::Instance().FireTripleFault(vm); });
  }
  STDMETHODIMP FireReset(BSTR vmName) override {
    return WithVm(vmName, [](const VmPtr& vm) { World::Instance().FireReset(vm); });
  }
  STDMETHODIMP FireRequestShutdown(BSTR vmName) override {
    return WithVm(vmName, [](const VmPtr& vm) { World::Instance().FireRequestShutdown(vm); });
  }
  STDMETHODIMP FireConfigurationChanged(BSTR vmName, BSTR key, VARIANT data) override {
    return WithVm(vmName, [&](const VmPtr& vm) { World::Instance().FireConfigurationChanged(vm, Str(key), data); });
  }
  STDMETHODIMP FireEventLogged(long id) override {
    World::Instance().FireEventLogged(id);
    return S_OK;
  }
  STDMETHODIMP FireServiceEvent(long id) override {
    World::Instance().FireServiceEvent(id);
    return S_OK;
  }
  STDMETHODIMP FireBurst(BSTR eventName, long count, BSTR vmName) override {
    return World::Instance().FireBurst(Str(eventName), count, World::Instance().Find(Str(vmName)));
  }
  STDMETHODIMP FireStamped(BSTR vmName, long count, long perSecond) override {
    return World::Instance().FireStamped(World::Instance().Find(Str(vmName)), count, perSecond);
  }
  STDMETHODIMP WaitForIdle(long timeoutMs, VARIANT_BOOL* idle) override {
    if (idle == nullptr) return E_POINTER;
    if (timeoutMs < 0) {
      return ReportError(E_INVALIDARG, IID_IVMSimulatorControl, L"WaitForIdle's timeout must be 0 or more ms");
    }
    *idle = World::Instance().Queue().WaitForIdle(static_cast<DWORD>(timeoutMs)) ? VARIANT_TRUE : VARIANT_FALSE;
    return S_OK;
  }
  STDMETHODIMP AdvisedSinkCount(BSTR target, long* count) override {
    if (count == nullptr) return E_POINTER;
    if (Str(target).empty()) return Number(World::Instance().ServerSinks()->Count(), count);
    return WithVm(target, [count](const VmPtr& vm) { *count = vm->sinks->Count(); });
  }
  STDMETHODIMP ShutdownOutcome(BSTR vmName, BSTR* outcome) override {
    if (outcome == nullptr) return E_POINTER;
    *outcome = nullptr;
    return WithVm(vmName, [outcome](const VmPtr& vm) {
      *outcome = SysAllocString(World::Instance().ShutdownOutcome(vm).c_str());
    });
  }
  STDMETHODIMP get_KeepDeadSinks(VARIANT_BOOL* keep) override { return Flag(KeepsDeadSinks(), keep); }
  STDMETHODIMP put_KeepDeadSinks(VARIANT_BOOL keep) override {
    SetKeepDeadSinks(keep != VARIANT_FALSE);
    return S_OK;
  }
  STDMETHODIMP get_EndlessEnumerator(VARIANT_BOOL* endless) override { return Flag(EndlessEnumerator(), endless); }
  STDMETHODIMP put_EndlessEnumerator(VARIANT_BOOL endless) override {
    SetEndlessEnumerator(endless != VARIANT_FALSE);
    return S_OK;
  }
  STDMETHODIMP SetLatency(BSTR call, long milliseconds) override { return SetCallLatency(Str(call), milliseconds); }
  STDMETHODIMP CallCount(BSTR call, long* count) override { return CountOfCalls(Str(call), count); }
  STDMETHODIMP StartScenario() override {
    ::StartScenario();
    return S_OK;
  }
  STDMETHODIMP StopScenario() override {
    ::StopScenario();
    return S_OK;
  }
  STDMETHODIMP Crash(long exitCode) override {
    // Wine's rpcss keeps the class registrations of a process that died with them, and activation then
    // fails with RPC_S_SERVER_UNAVAILABLE until rpcss restarts; Windows' SCM cleans up on its own. So
    // revoke them first, then die without any other cleanup: clients see what a crash looks like.
    RevokeClassObjects();
    TerminateProcess(GetCurrentProcess(), static_cast<UINT>(exitCode));
    return E_UNEXPECTED;
  }

 private:
  template <class Action>
  static HRESULT WithVm(BSTR vmName, Action action) {
    VmPtr vm;
    const HRESULT hr = World::Instance().Lookup(Str(vmName), IID_IVMSimulatorControl, &vm);
    if (SUCCEEDED(hr)) action(vm);
    return hr;
  }
  static HRESULT Number(long value, long* out) {
    if (out == nullptr) return E_POINTER;
    *out = value;
    return S_OK;
  }
  static HRESULT Flag(bool value, VARIANT_BOOL* out) {
    if (out == nullptr) return E_POINTER;
    *out = value ? VARIANT_TRUE : VARIANT_FALSE;
    return S_OK;
  }
};

}  // namespace

IVMSimulatorControl* NewControlObject() { return new ControlObject(); }
