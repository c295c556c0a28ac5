// IVMGuestOS (ivmguestos.md): a view of one VirtualMachineRecord's guest: its Additions, heartbeat, name and
// shutdown. The members the simulator does not model answer E_NOTIMPL.
#include "dispatch_object.h"
#include "errors.h"
#include "objects.h"

namespace {

class GuestOSObject : public DispatchObject<IVMGuestOS> {
 public:
  explicit GuestOSObject(VmPtr vm) : vm_(std::move(vm)) {}

  STDMETHODIMP get_AdditionsVersion(BSTR* version) override {
    return Text(World::GuestProperty::AdditionsVersion, version);
  }
  STDMETHODIMP get_CanShutdown(VARIANT_BOOL* can) override { return Bool(World::GuestProperty::CanShutdown, can); }
  STDMETHODIMP get_HeartbeatPercentage(long* percentage) override {
    if (percentage == nullptr) return E_POINTER;
    *percentage = 0;
    return World::Instance().ReadGuest(vm_, World::GuestProperty::HeartbeatPercentage, nullptr, percentage);
  }
  STDMETHODIMP get_IsHeartbeating(VARIANT_BOOL* beating) override {
    return Bool(World::GuestProperty::IsHeartbeating, beating);
  }
  STDMETHODIMP get_IsHostTimeSyncEnabled(VARIANT_BOOL* enabled) override {
    if (enabled == nullptr) return E_POINTER;
    *enabled = VARIANT_FALSE;
    return NotSimulated(L"IsHostTimeSyncEnabled");
  }
  STDMETHODIMP put_IsHostTimeSyncEnabled(VARIANT_BOOL) override { return NotSimulated(L"IsHostTimeSyncEnabled"); }
  STDMETHODIMP get_OSName(BSTR* name) override { return Text(World::GuestProperty::OSName, name); }
  STDMETHODIMP InstallAdditions() override { return NotSimulated(L"InstallAdditions"); }
  STDMETHODIMP SetParameter(BSTR, BSTR) override { return NotSimulated(L"SetParameter"); }
  STDMETHODIMP Shutdown(IVMTask** task) override {
    if (task == nullptr) return E_POINTER;
    *task = nullptr;
    TaskPtr progress;
    const HRESULT hr = World::Instance().GuestShutdown(vm_, &progress);
    if (SUCCEEDED(hr)) *task = NewTaskObject(progress);
    return hr;
  }

 private:
  HRESULT Text(World::GuestProperty property, BSTR* out) {
    if (out == nullptr) return E_POINTER;
    *out = nullptr;
    std::wstring text;
    const HRESULT hr = World::Instance().ReadGuest(vm_, property, &text, nullptr);
    if (SUCCEEDED(hr)) *out = SysAllocStringLen(text.data(), static_cast<UINT>(text.size()));
    return hr;
  }
  HRESULT Bool(World::GuestProperty property, VARIANT_BOOL* out) {
    if (out == nullptr) return E_POINTER;
    *out = VARIANT_FALSE;
    long value = 0;
    const HRESULT hr = World::Instance().ReadGuest(vm_, property, nullptr, &value);
    if (SUCCEEDED(hr)) *out = value != 0 ? VARIANT_TRUE : VARIANT_FALSE;
    return hr;
  }
  static HRESULT NotSimulated(const std::wstring& member) {
    return ReportError(E_NOTIMPL, IID_IVMGuestOS, L"IVMGuestOS." + member + L" is not simulated");
  }

  VmPtr vm_;
};

}  // namespace

IVMGuestOS* NewGuestOSObject(VmPtr vm) { return new GuestOSObject(std::move(vm)); }
