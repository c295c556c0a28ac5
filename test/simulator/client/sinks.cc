#include "sinks.h"

#include <atomic>
#include <vector>

#include "json_out.h"
#include "vssim.h"
#include "variant_args.h"

namespace {

std::atomic<bool> g_allowShutdown{true};
HANDLE g_released = CreateEventW(nullptr, TRUE, TRUE, nullptr);  // signalled: events not held

void EmitEvent(const std::wstring& label, const wchar_t* kind, const std::wstring& name,
               const std::vector<VARIANT>& args, const std::string& extra = std::string()) {
  WaitForSingleObject(g_released, INFINITE);
  std::string line = "{\"event\":" + JsonString(name) + ",\"label\":" + JsonString(label) +
                     ",\"kind\":" + JsonString(kind) + ",\"args\":[";
  for (size_t i = 0; i < args.size(); ++i) line += (i ? "," : "") + JsonVariant(args[i]);
  EmitLine(line + "]" + extra + "}");
}

using vssim::Long;
using vssim::Text;

// Reference counting and QueryInterface for a sink answering IUnknown and `iid` (plus IDispatch when
// `Iface` is IDispatch).
template <class Iface>
class SinkBase : public Iface {
 public:
  SinkBase(REFIID iid, std::wstring label) : iid_(iid), label_(std::move(label)) {}
  virtual ~SinkBase() = default;
  STDMETHODIMP QueryInterface(REFIID iid, void** out) override {
    if (out == nullptr) return E_POINTER;
    const bool ok = iid == IID_IUnknown || iid == iid_ || iid == __uuidof(Iface);
    *out = ok ? static_cast<Iface*>(this) : nullptr;
    if (!ok) return E_NOINTERFACE;
    AddRef();
    return S_OK;
  }
  STDMETHODIMP_(ULONG) AddRef() override { return ++refs_; }
  STDMETHODIMP_(ULONG) Release() override {
    const ULONG left = --refs_;
    if (left == 0) delete this;
    return left;
  }

 protected:
  const IID iid_;
  const std::wstring label_;

 private:
  std::atomic<ULONG> refs_{1};
};

class DispatchSink : public SinkBase<IDispatch> {
 public:
  DispatchSink(REFIID iid, ITypeInfo* info, std::wstring label) : SinkBase(iid, std::move(label)), info_(info) {
    info_->AddRef();
  }
  ~DispatchSink() override { info_->Release(); }

  STDMETHODIMP GetTypeInfoCount(UINT* count) override {
    *count = 0;
    return S_OK;
  }
  STDMETHODIMP GetTypeInfo(UINT, LCID, ITypeInfo**) override { return E_NOTIMPL; }
  STDMETHODIMP GetIDsOfNames(REFIID, LPOLESTR*, UINT, LCID, DISPID*) override { return E_NOTIMPL; }
  STDMETHODIMP Invoke(DISPID id, REFIID, LCID, WORD, DISPPARAMS* params, VARIANT*, EXCEPINFO*, UINT*) override {
    BSTR name = nullptr;
    std::wstring eventName = L"dispid:" + std::to_wstring(id);
    if (SUCCEEDED(info_->GetDocumentation(id, &name, nullptr, nullptr, nullptr)) && name != nullptr) {
      eventName = name;
      SysFreeString(name);
    }
    std::vector<VARIANT> args;
    for (UINT i = params ? params->cArgs : 0; i > 0; --i) args.push_back(params->rgvarg[i - 1]);
    EmitEvent(label_, L"dispinterface", eventName, args);
    return S_OK;
  }

 private:
  ITypeInfo* info_;
};

class VirtualMachineVtableSink : public SinkBase<IVMVirtualMachineEvents> {
 public:
  using SinkBase::SinkBase;
  STDMETHODIMP OnStateChange(VMVMState state) override { return Emit(L"OnStateChange", {Long(state)}); }
  STDMETHODIMP OnTripleFault() override { return Emit(L"OnTripleFault", {}); }
  STDMETHODIMP OnConfigurationChanged(BSTR key, VARIANT data) override {
    return Emit(L"OnConfigurationChanged", {Text(key), data});
  }
  STDMETHODIMP OnRequestShutdown(VARIANT_BOOL* isAllowed) override {
    const bool allow = g_allowShutdown;
    if (isAllowed != nullptr) *isAllowed = allow ? VARIANT_TRUE : VARIANT_FALSE;
    EmitEvent(label_, L"interface", L"OnRequestShutdown", {},
              std::string(",\"answered\":") + (allow ? "true" : "false"));
    return S_OK;
  }
  STDMETHODIMP OnHeartbeatStopped() override { return Emit(L"OnHeartbeatStopped", {}); }
  STDMETHODIMP OnReset() override { return Emit(L"OnReset", {}); }

 private:
  HRESULT Emit(const wchar_t* name, const std::vector<VARIANT>& args) {
    EmitEvent(label_, L"interface", name, args);
    return S_OK;
  }
};

class VirtualServerVtableSink : public SinkBase<IVMVirtualServerEvents> {
 public:
  using SinkBase::SinkBase;
  STDMETHODIMP OnVMStateChange(BSTR vm, VMVMState state) override {
    return Emit(L"OnVMStateChange", {Text(vm), Long(state)});
  }
  STDMETHODIMP OnServiceEvent(long id) override { return Emit(L"OnServiceEvent", {Long(id)}); }
  STDMETHODIMP OnHeartbeatStopped(BSTR vm) override { return Emit(L"OnHeartbeatStopped", {Text(vm)}); }
  STDMETHODIMP OnEventLogged(long id) override { return Emit(L"OnEventLogged", {Long(id)}); }

 private:
  HRESULT Emit(const wchar_t* name, const std::vector<VARIANT>& args) {
    EmitEvent(label_, L"interface", name, args);
    return S_OK;
  }
};

}  // namespace

void SetShutdownAnswer(bool allowed) { g_allowShutdown = allowed; }

void HoldEvents(bool hold) {
  if (hold)
    ResetEvent(g_released);
  else
    SetEvent(g_released);
}

IUnknown* NewEventSink(REFIID iid, ITypeInfo* info, const std::wstring& label, std::wstring* error) {
  TYPEATTR* attr = nullptr;
  if (info == nullptr || FAILED(info->GetTypeAttr(&attr))) {
    *error = L"the type library has no description of the connection interface";
    return nullptr;
  }
  const TYPEKIND kind = attr->typekind;
  info->ReleaseTypeAttr(attr);
  if (kind == TKIND_DISPATCH) return static_cast<IDispatch*>(new DispatchSink(iid, info, label));
  if (kind == TKIND_INTERFACE && iid == IID_IVMVirtualMachineEvents) {
    return static_cast<IVMVirtualMachineEvents*>(new VirtualMachineVtableSink(iid, label));
  }
  if (kind == TKIND_INTERFACE && iid == IID_IVMVirtualServerEvents) {
    return static_cast<IVMVirtualServerEvents*>(new VirtualServerVtableSink(iid, label));
  }
  *error = L"a vtable event interface this client was not compiled for";
  return nullptr;
}
