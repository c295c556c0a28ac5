// IVMVirtualMachine: a view of one VirtualMachineRecord, and the source of its IVMVirtualMachineEvents.
#include "connection_point.h"
#include "dispatch_object.h"
#include "errors.h"
#include "objects.h"

namespace {

class VirtualMachineObject : public DispatchObject<IVMVirtualMachine, IConnectionPointContainer> {
 public:
  explicit VirtualMachineObject(VmPtr vm) : vm_(std::move(vm)) {}

  STDMETHODIMP get_Name(BSTR* name) override { return Text(vm_->name, name); }
  STDMETHODIMP get_ConfigID(BSTR* id) override { return Text(vm_->configId, id); }
  STDMETHODIMP get_File(BSTR* file) override { return Text(vm_->file, file); }
  STDMETHODIMP get_GuestOS(IVMGuestOS** guest) override {
    if (guest == nullptr) return E_POINTER;
    *guest = nullptr;
    long state = 0;
    const HRESULT hr = World::Instance().ReadState(vm_, IID_IVMVirtualMachine, &state);
    if (SUCCEEDED(hr)) *guest = NewGuestOSObject(vm_);
    return hr;
  }
  STDMETHODIMP get_State(VMVMState* state) override {
    if (state == nullptr) return E_POINTER;
    long value = 0;
    const HRESULT hr = World::Instance().ReadState(vm_, IID_IVMVirtualMachine, &value);
    *state = static_cast<VMVMState>(value);
    return hr;
  }
  STDMETHODIMP Startup(IVMTask** task) override { return Run(&World::Startup, task); }
  STDMETHODIMP TurnOff(IVMTask** task) override { return Run(&World::TurnOff, task); }
  STDMETHODIMP Save(IVMTask** task) override { return Run(&World::Save, task); }
  STDMETHODIMP Reset(IVMTask** task) override { return Run(&World::Reset, task); }
  STDMETHODIMP Pause() override { return World::Instance().Pause(vm_); }
  STDMETHODIMP Resume() override { return World::Instance().Resume(vm_); }

  STDMETHODIMP FindConnectionPoint(REFIID iid, IConnectionPoint** point) override {
    return FindSinkConnectionPoint(vm_->sinks, this, iid, point);
  }
  STDMETHODIMP EnumConnectionPoints(IEnumConnectionPoints** points) override {
    return EnumSinkConnectionPoints(vm_->sinks, this, points);
  }

 private:
  HRESULT Run(HRESULT (World::*method)(const VmPtr&, TaskPtr*), IVMTask** task) {
    if (task == nullptr) return E_POINTER;
    *task = nullptr;
    TaskPtr progress;
    const HRESULT hr = (World::Instance().*method)(vm_, &progress);
    if (SUCCEEDED(hr)) *task = NewTaskObject(progress);
    return hr;
  }
  HRESULT Text(const std::wstring& text, BSTR* out) {
    if (out == nullptr) return E_POINTER;
    *out = nullptr;
    long state = 0;
    const HRESULT hr = World::Instance().ReadState(vm_, IID_IVMVirtualMachine, &state);
    if (SUCCEEDED(hr)) *out = SysAllocString(text.c_str());
    return hr;
  }

  VmPtr vm_;
};

}  // namespace

IVMVirtualMachine* NewVirtualMachineObject(VmPtr vm) { return new VirtualMachineObject(std::move(vm)); }
