// The sinks advised on one connection point. Shared by every COM object that represents the same
// source (each FindVirtualMachine returns a new object, as the docs say, but they share the VM's sinks).
#pragma once
#include <windows.h>
#include <unknwn.h>

#include <map>
#include <mutex>
#include <utility>
#include <vector>

class SinkList {
 public:
  explicit SinkList(REFIID eventInterface) : iid_(eventInterface) {}
  ~SinkList();
  SinkList(const SinkList&) = delete;
  SinkList& operator=(const SinkList&) = delete;

  REFIID EventInterface() const { return iid_; }
  // QueryInterfaces `sink` for the event interface; CONNECT_E_CANNOTCONNECT when it does not answer it.
  HRESULT Advise(IUnknown* sink, DWORD* cookie);
  HRESULT Unadvise(DWORD cookie);
  long Count();
  // The sinks (each AddRef'd, as the event interface) with their cookies, to call outside the lock.
  std::vector<std::pair<DWORD, IUnknown*>> Snapshot();
  // Lets go of the reference `held` that Snapshot() gave for `cookie`: now while the sink is still advised,
  // else through ReleaseLater (late_release.h), as Unadvise() lets go of its own.
  void ReleaseHeld(DWORD cookie, IUnknown* held);
  // Drops a sink whose process died (its calls fail with IsDeadPeer HRESULTs) and releases it, with the
  // reference `held` that Snapshot() gave.
  void DropDead(DWORD cookie, IUnknown* held);

 private:
  const IID iid_;
  std::mutex mutex_;
  std::map<DWORD, IUnknown*> sinks_;
  DWORD nextCookie_ = 1;
};
