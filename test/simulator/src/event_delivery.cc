#include "event_delivery.h"

#include <atomic>
#include <initializer_list>
#include <vector>

#include "errors.h"
#include "server_lifetime.h"
#include "type_library.h"
#include "vssim_interfaces.h"
#include "variant_args.h"

namespace {

std::atomic<long> g_delivered{0};
std::atomic<bool> g_keepDeadSinks{false};

// Calls `call(sink)` on each sink; counts successes; drops sinks whose process died (unless told to keep them).
template <class Call>
void Deliver(SinkList& sinks, Call call) {
  for (auto& entry : sinks.Snapshot()) {
    const HRESULT hr = call(entry.second);
    if (SUCCEEDED(hr)) {
      ++g_delivered;
      NoteActivity();
    }
    if (IsDeadPeer(hr) && !g_keepDeadSinks) {
      sinks.DropDead(entry.first, entry.second);
    } else {
      sinks.ReleaseHeld(entry.first, entry.second);
    }
  }
}

#ifndef VSSIM_EVENTS_VTABLE
using vssim::Long;
using vssim::Text;

// Invokes the dispinterface method `name` with `args` in declaration order.
void DeliverByName(SinkList& sinks, const wchar_t* name, std::initializer_list<VARIANT> args) {
  DISPID id = DISPID_UNKNOWN;
  ITypeInfo* info = EmbeddedTypeInfo(sinks.EventInterface());
  if (info == nullptr) return;
  LPOLESTR names[] = {const_cast<LPOLESTR>(name)};
  const HRESULT found = info->GetIDsOfNames(names, 1, &id);
  info->Release();
  if (FAILED(found)) return;
  std::vector<VARIANT> reversed(args.begin(), args.end());  // DISPPARAMS holds arguments last to first
  for (size_t i = 0; i < reversed.size() / 2; ++i) std::swap(reversed[i], reversed[reversed.size() - 1 - i]);
  DISPPARAMS params = {reversed.empty() ? nullptr : reversed.data(), nullptr, static_cast<UINT>(reversed.size()), 0};
  Deliver(sinks, [&](IUnknown* sink) {
    return static_cast<IDispatch*>(sink)->Invoke(id, IID_NULL, LOCALE_USER_DEFAULT, DISPATCH_METHOD, &params, nullptr,
                                                 nullptr, nullptr);
  });
}
#endif

}  // namespace

long EventsDelivered() { return g_delivered; }

#ifdef VSSIM_EVENTS_VTABLE

IVMVirtualMachineEvents* VmSink(IUnknown* sink) { return static_cast<IVMVirtualMachineEvents*>(sink); }
IVMVirtualServerEvents* ServerSink(IUnknown* sink) { return static_cast<IVMVirtualServerEvents*>(sink); }

void DeliverStateChange(SinkList& s, long state) {
  Deliver(s, [&](IUnknown* k) { return VmSink(k)->OnStateChange(static_cast<VMVMState>(state)); });
}
void DeliverHeartbeatStopped(SinkList& s) {
  Deliver(s, [](IUnknown* k) { return VmSink(k)->OnHeartbeatStopped(); });
}
void DeliverTripleFault(SinkList& s) {
  Deliver(s, [](IUnknown* k) { return VmSink(k)->OnTripleFault(); });
}
void DeliverReset(SinkList& s) {
  Deliver(s, [](IUnknown* k) { return VmSink(k)->OnReset(); });
}
bool DeliverRequestShutdown(SinkList& s) {
  bool allowed = true;
  Deliver(s, [&](IUnknown* k) {
    VARIANT_BOOL answer = VARIANT_TRUE;
    const HRESULT hr = VmSink(k)->OnRequestShutdown(&answer);
    if (SUCCEEDED(hr) && answer == VARIANT_FALSE) allowed = false;
    return hr;
  });
  return allowed;
}
void DeliverConfigurationChanged(SinkList& s, BSTR key, const VARIANT& data) {
  Deliver(s, [&](IUnknown* k) { return VmSink(k)->OnConfigurationChanged(key, data); });
}
void DeliverVMStateChange(SinkList& s, BSTR vmName, long state) {
  Deliver(s, [&](IUnknown* k) { return ServerSink(k)->OnVMStateChange(vmName, static_cast<VMVMState>(state)); });
}
void DeliverServerHeartbeatStopped(SinkList& s, BSTR vmName) {
  Deliver(s, [&](IUnknown* k) { return ServerSink(k)->OnHeartbeatStopped(vmName); });
}
void DeliverEventLogged(SinkList& s, long id) {
  Deliver(s, [&](IUnknown* k) { return ServerSink(k)->OnEventLogged(id); });
}
void DeliverServiceEvent(SinkList& s, long id) {
  Deliver(s, [&](IUnknown* k) { return ServerSink(k)->OnServiceEvent(id); });
}

#else

void DeliverStateChange(SinkList& s, long state) { DeliverByName(s, L"OnStateChange", {Long(state)}); }
void DeliverHeartbeatStopped(SinkList& s) { DeliverByName(s, L"OnHeartbeatStopped", {}); }
void DeliverTripleFault(SinkList& s) { DeliverByName(s, L"OnTripleFault", {}); }
void DeliverReset(SinkList& s) { DeliverByName(s, L"OnReset", {}); }
bool DeliverRequestShutdown(SinkList& s) {
  DeliverByName(s, L"OnRequestShutdown", {});
  return true;  // the dispinterface method has no isAllowed: nobody can refuse
}
void DeliverConfigurationChanged(SinkList& s, BSTR key, const VARIANT& data) {
  DeliverByName(s, L"OnConfigurationChanged", {Text(key), data});
}
void DeliverVMStateChange(SinkList& s, BSTR vmName, long state) {
  DeliverByName(s, L"OnVMStateChange", {Text(vmName), Long(state)});
}
void DeliverServerHeartbeatStopped(SinkList& s, BSTR vmName) {
  DeliverByName(s, L"OnHeartbeatStopped", {Text(vmName)});
}
void DeliverEventLogged(SinkList& s, long id) { DeliverByName(s, L"OnEventLogged", {Long(id)}); }
void DeliverServiceEvent(SinkList& s, long id) { DeliverByName(s, L"OnServiceEvent", {Long(id)}); }

#endif

void SetKeepDeadSinks(bool keep) { g_keepDeadSinks = keep; }

bool KeepsDeadSinks() { return g_keepDeadSinks; }
