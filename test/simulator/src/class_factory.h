// The class objects registered while the server runs. They live as long as the process and do not
// count as objects (only IClassFactory::LockServer does), so the process can exit after its last object.
#pragma once
#include "vssim_interfaces.h"

class ClassFactory : public IClassFactory {
 public:
  using Create = IUnknown* (*)();
  explicit ClassFactory(Create create) : create_(create) {}

  STDMETHODIMP QueryInterface(REFIID iid, void** out) override;
  STDMETHODIMP_(ULONG) AddRef() override { return 2; }
  STDMETHODIMP_(ULONG) Release() override { return 1; }
  STDMETHODIMP CreateInstance(IUnknown* outer, REFIID iid, void** out) override;
  STDMETHODIMP LockServer(BOOL lock) override;

 private:
  Create create_;
};
