// A COM object whose first interface is a dual interface: IDispatch is served from the embedded type
// library (late-bound clients call Virtual Server through it), and ISupportErrorInfo says every failure
// carries an IErrorInfo.
#pragma once
#include "call_latency.h"
#include "com_object.h"
#include "type_library.h"

template <class Dual, class... Extra>
class DispatchObject : public ComObject<Dual, ISupportErrorInfo, Extra...> {
 public:
  // What clients probe liveness with (the addon's host_prober.cc).
  STDMETHODIMP GetTypeInfoCount(UINT* count) override {
    if (count == nullptr) return E_POINTER;
    AnswerTimedCall(TimedCall::GetTypeInfoCount);
    *count = 1;
    return S_OK;
  }
  STDMETHODIMP GetTypeInfo(UINT index, LCID, ITypeInfo** info) override {
    if (info == nullptr) return E_POINTER;
    *info = nullptr;
    if (index != 0) return DISP_E_BADINDEX;
    *info = EmbeddedTypeInfo(__uuidof(Dual));
    return *info != nullptr ? S_OK : TYPE_E_ELEMENTNOTFOUND;
  }
  STDMETHODIMP GetIDsOfNames(REFIID, LPOLESTR* names, UINT count, LCID, DISPID* ids) override {
    ITypeInfo* info = EmbeddedTypeInfo(__uuidof(Dual));
    if (info == nullptr) return TYPE_E_ELEMENTNOTFOUND;
    const HRESULT hr = DispGetIDsOfNames(info, names, count, ids);
    info->Release();
    return hr;
  }
  STDMETHODIMP Invoke(DISPID id, REFIID, LCID, WORD flags, DISPPARAMS* params, VARIANT* result, EXCEPINFO* exception,
                      UINT* argError) override {
    NoteActivity();
    ITypeInfo* info = EmbeddedTypeInfo(__uuidof(Dual));
    if (info == nullptr) return TYPE_E_ELEMENTNOTFOUND;
    SetErrorInfo(0, nullptr);
    const HRESULT hr = info->Invoke(static_cast<Dual*>(this), id, flags, params, result, exception, argError);
    info->Release();
    return hr;
  }
  STDMETHODIMP InterfaceSupportsErrorInfo(REFIID) override { return S_OK; }

 protected:
  void* FindAlias(REFIID iid) override { return iid == IID_IDispatch ? static_cast<Dual*>(this) : nullptr; }
};
