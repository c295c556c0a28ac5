#include "class_factory.h"

#include "server_lifetime.h"

STDMETHODIMP ClassFactory::QueryInterface(REFIID iid, void** out) {
  if (out == nullptr) return E_POINTER;
  *out = (iid == IID_IUnknown || iid == IID_IClassFactory) ? static_cast<IClassFactory*>(this) : nullptr;
  return *out != nullptr ? S_OK : E_NOINTERFACE;
}

STDMETHODIMP ClassFactory::CreateInstance(IUnknown* outer, REFIID iid, void** out) {
  if (out == nullptr) return E_POINTER;
  *out = nullptr;
  if (outer != nullptr) return CLASS_E_NOAGGREGATION;
  // The activation holds the process while its object is made, so that the exit decision sees it.
  if (!LockServerUnlessExiting()) return CO_E_SERVER_STOPPING;
  IUnknown* object = create_();
  const HRESULT hr = object->QueryInterface(iid, out);
  object->Release();
  UnlockServer();
  return hr;
}

STDMETHODIMP ClassFactory::LockServer(BOOL lock) {
  if (!lock) {
    UnlockServer();
    return S_OK;
  }
  return LockServerUnlessExiting() ? S_OK : CO_E_SERVER_STOPPING;
}
