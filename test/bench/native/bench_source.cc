// The benchmarks' event source (bench_source.idl): IBenchSource through the type library, one connection
// point for IBenchEvents, and a firing thread of its own (MTA) that calls every advised sink's
// IDispatch::Invoke directly, as an in-process or RPC-marshaled source does.
#include "bench_source.h"

#include <ocidl.h>
#include <olectl.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "qpc_clock.h"
#include "bench_source_idl.h"

namespace bench {
namespace {

HMODULE module = nullptr;
std::atomic<long> liveObjects{0};
void (*lastObjectReleased)() = nullptr;

void ObjectCreated() { ++liveObjects; }
void ObjectDestroyed() {
  if (--liveObjects == 0 && lastObjectReleased) lastObjectReleased();
}

class ConnectionPoint : public IConnectionPoint {
 public:
  explicit ConnectionPoint(IConnectionPointContainer* container) : container_(container) { ObjectCreated(); }
  ~ConnectionPoint() {
    for (IDispatch* sink : sinks_)
      if (sink) sink->Release();
    ObjectDestroyed();
  }
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID iid, void** out) override {
    if (iid != IID_IUnknown && iid != IID_IConnectionPoint) return (*out = nullptr), E_NOINTERFACE;
    *out = static_cast<IConnectionPoint*>(this);
    AddRef();
    return S_OK;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return ++references_; }
  ULONG STDMETHODCALLTYPE Release() override {
    ULONG left = --references_;
    if (left == 0) delete this;
    return left;
  }
  HRESULT STDMETHODCALLTYPE GetConnectionInterface(IID* iid) override { return (*iid = DIID_IBenchEvents), S_OK; }
  HRESULT STDMETHODCALLTYPE GetConnectionPointContainer(IConnectionPointContainer** out) override {
    container_->AddRef();
    return (*out = container_), S_OK;
  }
  HRESULT STDMETHODCALLTYPE Advise(IUnknown* sink, DWORD* cookie) override {
    IDispatch* typed = nullptr;
    if (sink == nullptr || FAILED(sink->QueryInterface(DIID_IBenchEvents, reinterpret_cast<void**>(&typed))))
      return CONNECT_E_CANNOTCONNECT;
    std::lock_guard<std::mutex> lock(mutex_);
    sinks_.push_back(typed);
    return (*cookie = static_cast<DWORD>(sinks_.size())), S_OK;
  }
  HRESULT STDMETHODCALLTYPE Unadvise(DWORD cookie) override {
    IDispatch* sink = nullptr;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (cookie == 0 || cookie > sinks_.size() || sinks_[cookie - 1] == nullptr) return CONNECT_E_NOCONNECTION;
      std::swap(sink, sinks_[cookie - 1]);
    }
    sink->Release();
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE EnumConnections(IEnumConnections**) override { return E_NOTIMPL; }

  // The sinks advised now, each AddRef'd (the caller releases them).
  std::vector<IDispatch*> Sinks() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<IDispatch*> sinks;
    for (IDispatch* sink : sinks_) {
      if (sink == nullptr) continue;
      sink->AddRef();
      sinks.push_back(sink);
    }
    return sinks;
  }

 private:
  std::atomic<ULONG> references_{1};
  IConnectionPointContainer* container_;  // owns this point
  std::mutex mutex_;
  std::vector<IDispatch*> sinks_;  // index + 1 is the cookie; nullptr once unadvised
};

class PointEnumerator : public IEnumConnectionPoints {
 public:
  explicit PointEnumerator(IConnectionPoint* point, ULONG next = 0) : point_(point), next_(next) {
    point_->AddRef();
    ObjectCreated();
  }
  ~PointEnumerator() {
    point_->Release();
    ObjectDestroyed();
  }
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID iid, void** out) override {
    if (iid != IID_IUnknown && iid != IID_IEnumConnectionPoints) return (*out = nullptr), E_NOINTERFACE;
    *out = static_cast<IEnumConnectionPoints*>(this);
    AddRef();
    return S_OK;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return ++references_; }
  ULONG STDMETHODCALLTYPE Release() override {
    ULONG left = --references_;
    if (left == 0) delete this;
    return left;
  }
  HRESULT STDMETHODCALLTYPE Next(ULONG count, IConnectionPoint** out, ULONG* fetched) override {
    ULONG given = 0;
    if (count > 0 && next_ == 0) {
      out[given++] = point_;
      point_->AddRef();
      next_ = 1;
    }
    if (fetched) *fetched = given;
    return given == count ? S_OK : S_FALSE;
  }
  HRESULT STDMETHODCALLTYPE Skip(ULONG count) override {
    next_ += count;
    return next_ <= 1 ? S_OK : S_FALSE;
  }
  HRESULT STDMETHODCALLTYPE Reset() override { return (next_ = 0), S_OK; }
  HRESULT STDMETHODCALLTYPE Clone(IEnumConnectionPoints** out) override {
    return (*out = new PointEnumerator(point_, next_)), S_OK;
  }

 private:
  std::atomic<ULONG> references_{1};
  IConnectionPoint* point_;
  ULONG next_;
};

class Source : public IBenchSource, public IConnectionPointContainer, public IProvideClassInfo {
 public:
  explicit Source(REFCLSID clsid) {
    ObjectCreated();
    point_ = new ConnectionPoint(this);
    wchar_t path[MAX_PATH];
    GetModuleFileNameW(module, path, MAX_PATH);
    ITypeLib* library = nullptr;
    if (SUCCEEDED(LoadTypeLibEx(path, REGKIND_NONE, &library))) {
      library->GetTypeInfoOfGuid(IID_IBenchSource, &typeInfo_);
      library->GetTypeInfoOfGuid(clsid, &classInfo_);
      library->Release();
    }
  }
  ~Source() {
    if (firing_.joinable()) firing_.join();
    point_->Release();
    if (typeInfo_) typeInfo_->Release();
    if (classInfo_) classInfo_->Release();
    ObjectDestroyed();
  }

  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID iid, void** out) override {
    if (iid == IID_IUnknown || iid == IID_IDispatch || iid == IID_IBenchSource) {
      *out = static_cast<IBenchSource*>(this);
    } else if (iid == IID_IConnectionPointContainer) {
      *out = static_cast<IConnectionPointContainer*>(this);
    } else if (iid == IID_IProvideClassInfo) {
      *out = static_cast<IProvideClassInfo*>(this);
    } else {
      return (*out = nullptr), E_NOINTERFACE;
    }
    AddRef();
    return S_OK;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return ++references_; }
  ULONG STDMETHODCALLTYPE Release() override {
    ULONG left = --references_;
    if (left == 0) delete this;
    return left;
  }

  HRESULT STDMETHODCALLTYPE GetTypeInfoCount(UINT* count) override { return (*count = typeInfo_ ? 1 : 0), S_OK; }
  HRESULT STDMETHODCALLTYPE GetTypeInfo(UINT index, LCID, ITypeInfo** out) override {
    if (index != 0 || !typeInfo_) return (*out = nullptr), DISP_E_BADINDEX;
    typeInfo_->AddRef();
    return (*out = typeInfo_), S_OK;
  }
  HRESULT STDMETHODCALLTYPE GetIDsOfNames(REFIID, LPOLESTR* names, UINT count, LCID, DISPID* ids) override {
    return typeInfo_ ? DispGetIDsOfNames(typeInfo_, names, count, ids) : E_NOTIMPL;
  }
  HRESULT STDMETHODCALLTYPE Invoke(DISPID id, REFIID, LCID, WORD flags, DISPPARAMS* params, VARIANT* result,
                                   EXCEPINFO* exception, UINT* badArgument) override {
    return typeInfo_ ? DispInvoke(static_cast<IBenchSource*>(this), typeInfo_, id, flags, params, result, exception,
                                  badArgument)
                     : E_NOTIMPL;
  }

  HRESULT STDMETHODCALLTYPE get_Name(BSTR* name) override { return (*name = SysAllocString(L"bench")), S_OK; }
  HRESULT STDMETHODCALLTYPE FindVirtualMachine(BSTR, IDispatch** vm) override {
    AddRef();
    return (*vm = static_cast<IBenchSource*>(this)), S_OK;
  }

  HRESULT STDMETHODCALLTYPE Fire(BSTR kind, LONG count, LONG perSecond) override {
    bool stamped = lstrcmpW(kind, L"stamped") == 0;
    if (!stamped && lstrcmpW(kind, L"state") != 0) return E_INVALIDARG;
    if (count < 0 || perSecond < 0) return E_INVALIDARG;
    std::lock_guard<std::mutex> lock(fireMutex_);
    if (firing_.joinable()) firing_.join();  // one firing thread at a time, in call order
    idle_ = false;
    std::vector<IDispatch*> sinks = point_->Sinks();
    firing_ = std::thread([this, sinks, stamped, count, perSecond] {
      CoInitializeEx(nullptr, COINIT_MULTITHREADED);
      FireAll(sinks, stamped, count, perSecond);
      for (IDispatch* sink : sinks) sink->Release();
      CoUninitialize();
      std::lock_guard<std::mutex> idleLock(idleMutex_);
      idle_ = true;
      idleChanged_.notify_all();
    });
    return S_OK;
  }

  HRESULT STDMETHODCALLTYPE WaitForIdle(LONG timeoutMs, VARIANT_BOOL* idle) override {
    std::unique_lock<std::mutex> lock(idleMutex_);
    bool done = idleChanged_.wait_for(lock, std::chrono::milliseconds(timeoutMs), [this] { return idle_; });
    return (*idle = done ? VARIANT_TRUE : VARIANT_FALSE), S_OK;
  }

  HRESULT STDMETHODCALLTYPE GetClassInfo(ITypeInfo** out) override {
    if (!classInfo_) return (*out = nullptr), E_FAIL;
    classInfo_->AddRef();
    return (*out = classInfo_), S_OK;
  }

  HRESULT STDMETHODCALLTYPE EnumConnectionPoints(IEnumConnectionPoints** out) override {
    return (*out = new PointEnumerator(point_)), S_OK;
  }
  HRESULT STDMETHODCALLTYPE FindConnectionPoint(REFIID iid, IConnectionPoint** out) override {
    if (iid != DIID_IBenchEvents) return (*out = nullptr), CONNECT_E_NOCONNECTION;
    point_->AddRef();
    return (*out = point_), S_OK;
  }

 private:
  static void FireAll(const std::vector<IDispatch*>& sinks, bool stamped, LONG count, LONG perSecond) {
    BSTR key = SysAllocString(L"fired");
    const double start = qpc::NowMs();
    for (LONG i = 0; i < count; ++i) {
      if (perSecond > 0) qpc::WaitUntil(start + 1000.0 * i / perSecond);
      // DISPPARAMS arguments go in reverse order.
      VARIANT args[2];
      VariantInit(&args[0]);
      VariantInit(&args[1]);
      DISPPARAMS params = {args, nullptr, 1, 0};
      DISPID method = 1;
      if (stamped) {
        args[0].vt = VT_R8;
        args[0].dblVal = qpc::NowMs();
        args[1].vt = VT_BSTR;
        args[1].bstrVal = key;
        params.cArgs = 2;
        method = 2;
      } else {
        args[0].vt = VT_I4;
        args[0].lVal = i % 2 == 0 ? 5 : 7;
      }
      for (IDispatch* sink : sinks) {
        sink->Invoke(method, IID_NULL, LOCALE_USER_DEFAULT, DISPATCH_METHOD, &params, nullptr, nullptr, nullptr);
      }
    }
    SysFreeString(key);
  }

  std::atomic<ULONG> references_{1};
  ConnectionPoint* point_;
  ITypeInfo* typeInfo_ = nullptr;
  ITypeInfo* classInfo_ = nullptr;
  std::mutex fireMutex_;
  std::thread firing_;
  std::mutex idleMutex_;
  std::condition_variable idleChanged_;
  bool idle_ = true;
};

class ClassFactory : public IClassFactory {
 public:
  explicit ClassFactory(REFCLSID clsid) : clsid_(clsid) {}
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID iid, void** out) override {
    if (iid != IID_IUnknown && iid != IID_IClassFactory) return (*out = nullptr), E_NOINTERFACE;
    return (*out = static_cast<IClassFactory*>(this)), S_OK;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return 2; }  // static object
  ULONG STDMETHODCALLTYPE Release() override { return 1; }
  HRESULT STDMETHODCALLTYPE CreateInstance(IUnknown* outer, REFIID iid, void** out) override {
    if (outer != nullptr) return (*out = nullptr), CLASS_E_NOAGGREGATION;
    Source* source = new Source(clsid_);
    HRESULT hr = source->QueryInterface(iid, out);
    source->Release();
    return hr;
  }
  HRESULT STDMETHODCALLTYPE LockServer(BOOL) override { return S_OK; }

 private:
  CLSID clsid_;
};

ClassFactory inProcFactory(CLSID_BenchSourceInProc);
ClassFactory localFactory(CLSID_BenchSourceLocal);

}  // namespace

IClassFactory* Factory(REFCLSID clsid) {
  if (clsid == CLSID_BenchSourceInProc) return &inProcFactory;
  if (clsid == CLSID_BenchSourceLocal) return &localFactory;
  return nullptr;
}

long LiveObjects() { return liveObjects; }
void OnLastObjectReleased(void (*callback)()) { lastObjectReleased = callback; }
void SetModule(HMODULE value) { module = value; }

}  // namespace bench
