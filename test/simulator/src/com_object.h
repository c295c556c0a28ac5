// IUnknown for every object of the simulator: reference counting, QueryInterface over the listed
// interfaces (by __uuidof, which MinGW's and widl's headers declare), and server-lifetime accounting.
#pragma once
#include <atomic>

#include "server_lifetime.h"
#include "vssim_interfaces.h"

template <class... Interfaces>
class ComObject : public Interfaces... {
 public:
  ComObject(const ComObject&) = delete;
  ComObject& operator=(const ComObject&) = delete;

  STDMETHODIMP QueryInterface(REFIID iid, void** out) override {
    if (out == nullptr) return E_POINTER;
    void* found = nullptr;
    if (iid == IID_IUnknown) found = Identity();
    ((found == nullptr && iid == __uuidof(Interfaces) ? (found = static_cast<Interfaces*>(this)) : nullptr), ...);
    if (found == nullptr) found = FindAlias(iid);
    *out = found;
    if (found == nullptr) return E_NOINTERFACE;
    AddRef();
    return S_OK;
  }
  STDMETHODIMP_(ULONG) AddRef() override {
    NoteActivity();
    return ++refs_;
  }
  STDMETHODIMP_(ULONG) Release() override {
    NoteActivity();
    const ULONG left = --refs_;
    if (left == 0) delete this;
    return left;
  }

 protected:
  ComObject() { LockServer(); }
  virtual ~ComObject() { UnlockServer(); }
  // Other IIDs this object answers, e.g. IID_IDispatch for a dual interface.
  virtual void* FindAlias(REFIID) { return nullptr; }
  IUnknown* Identity() { return static_cast<FirstOf<Interfaces...>*>(this); }

 private:
  template <class First, class...>
  struct FirstOfImpl {
    using type = First;
  };
  template <class... T>
  using FirstOf = typename FirstOfImpl<T...>::type;

  std::atomic<ULONG> refs_{1};
};
