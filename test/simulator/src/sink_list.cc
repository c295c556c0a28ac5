#include "sink_list.h"

#include <olectl.h>

#include <thread>

#include "late_release.h"

SinkList::~SinkList() {
  // Only live VMs are destroyed in practice (RemoveVirtualMachine): their sinks go like any unadvised sink.
  for (auto& entry : sinks_) ReleaseLater(entry.second);
}

HRESULT SinkList::Advise(IUnknown* sink, DWORD* cookie) {
  if (sink == nullptr || cookie == nullptr) return E_POINTER;
  *cookie = 0;
  IUnknown* typed = nullptr;
  if (FAILED(sink->QueryInterface(iid_, reinterpret_cast<void**>(&typed))) || typed == nullptr) {
    return CONNECT_E_CANNOTCONNECT;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  *cookie = nextCookie_++;
  sinks_.emplace(*cookie, typed);
  return S_OK;
}

HRESULT SinkList::Unadvise(DWORD cookie) {
  IUnknown* sink = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto found = sinks_.find(cookie);
    if (found == sinks_.end()) return CONNECT_E_NOCONNECTION;
    sink = found->second;
    sinks_.erase(found);
  }
  ReleaseLater(sink);
  return S_OK;
}

long SinkList::Count() {
  std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<long>(sinks_.size());
}

std::vector<std::pair<DWORD, IUnknown*>> SinkList::Snapshot() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::pair<DWORD, IUnknown*>> result;
  result.reserve(sinks_.size());
  for (auto& entry : sinks_) {
    entry.second->AddRef();
    result.emplace_back(entry.first, entry.second);
  }
  return result;
}

void SinkList::ReleaseHeld(DWORD cookie, IUnknown* held) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (sinks_.count(cookie) != 0) {
      held->Release();  // the list's own reference outlives this one: nothing goes to the client
      return;
    }
  }
  ReleaseLater(held);  // unadvised since the snapshot: this may be the last reference
}

void SinkList::DropDead(DWORD cookie, IUnknown* held) {
  IUnknown* listed = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto found = sinks_.find(cookie);
    if (found != sinks_.end()) {
      listed = found->second;
      sinks_.erase(found);
    }
  }
  // Released all the same, as a server should, but on a thread of its own: a release is a call to a
  // process that may still be going away, and delivery must go on meanwhile. Wine: left unreleased, the
  // dead proxy stays in this process for good, and Wine's OXIDs and OIDs come from the process id and a
  // counter, so a later client given the same pid had its new sink unmarshaled onto it: delivery then hung
  // (in NtRaiseException, inside the proxy's GetBuffer) and that client got no events at all.
  std::thread([held, listed] {
    CoInitializeEx(nullptr, COINIT_MULTITHREADED);
    held->Release();
    if (listed != nullptr) listed->Release();
    CoUninitialize();
  }).detach();
}
