// raw_sink_client.exe: the out-of-process baseline. A minimal COM client of the simulator whose sink only
// counts: no I/O, no conversion, no allocation per event. It advises one VM's event interface (whatever
// its kind: the sink answers every slot after IUnknown, IDispatch::Invoke included, with "count and
// return S_OK", which the x64 calling convention allows whatever the arguments), fires the same burst
// the bridge gets (Control.FireBurst("OnStateChange", count, vm)), and prints one JSON line:
//   raw_sink_client.exe <vm name> <control ProgID> <count>   ->   {"events":N,"seconds":S,"cpuSeconds":C}
// The clock runs from just before FireBurst until the count-th event returned from the sink; cpuSeconds is
// this process' user + kernel time over the same span, to set against the bridge process' own.
#include <windows.h>
#include <objbase.h>
#include <ocidl.h>
#include <oleauto.h>

#include <atomic>
#include <cstdio>
#include <cwchar>

namespace {

std::atomic<long> received{0};
long wanted = 0;
HANDLE allReceived = nullptr;

// A sink object whose vtable is QueryInterface, AddRef, Release, then kSlots counting entries.
constexpr int kSlots = 40;
IID eventIid;

struct Sink {
  void** vtable;
};

HRESULT STDMETHODCALLTYPE SinkQueryInterface(Sink* self, REFIID iid, void** out) {
  if (iid == IID_IUnknown || iid == IID_IDispatch || iid == eventIid) return (*out = self), S_OK;
  return (*out = nullptr), E_NOINTERFACE;
}
ULONG STDMETHODCALLTYPE SinkAddRef(Sink*) { return 2; }  // static object
ULONG STDMETHODCALLTYPE SinkRelease(Sink*) { return 1; }
HRESULT STDMETHODCALLTYPE SinkCount(Sink*) {
  if (++received == wanted) SetEvent(allReceived);
  return S_OK;
}

void* sinkVtable[3 + kSlots];
Sink sink{sinkVtable};

void Fail(const char* what, HRESULT hr) {
  std::printf("{\"error\":\"%s failed: 0x%08lx\"}\n", what, static_cast<unsigned long>(hr));
  std::fflush(stdout);
  ExitProcess(1);
}

void Check(const char* what, HRESULT hr) {
  if (FAILED(hr)) Fail(what, hr);
}

IDispatch* Create(const wchar_t* progId) {
  CLSID clsid;
  Check("CLSIDFromProgID", CLSIDFromProgID(progId, &clsid));
  IDispatch* object = nullptr;
  Check("CoCreateInstance", CoCreateInstance(clsid, nullptr, CLSCTX_LOCAL_SERVER, IID_IDispatch,
                                             reinterpret_cast<void**>(&object)));
  return object;
}

// A late-bound method call; args in declaration order (reversed here, as DISPPARAMS wants).
VARIANT CallMethod(IDispatch* object, const wchar_t* name, VARIANT* args, UINT count) {
  DISPID id;
  LPOLESTR names[] = {const_cast<LPOLESTR>(name)};
  Check("GetIDsOfNames", object->GetIDsOfNames(IID_NULL, names, 1, LOCALE_USER_DEFAULT, &id));
  VARIANT reversed[4];
  for (UINT i = 0; i < count; ++i) reversed[i] = args[count - 1 - i];
  DISPPARAMS params = {reversed, nullptr, count, 0};
  VARIANT result;
  VariantInit(&result);
  Check("Invoke", object->Invoke(id, IID_NULL, LOCALE_USER_DEFAULT, DISPATCH_METHOD, &params, &result, nullptr,
                                 nullptr));
  return result;
}

double Seconds(LARGE_INTEGER from, LARGE_INTEGER to) {
  LARGE_INTEGER frequency;
  QueryPerformanceFrequency(&frequency);
  return static_cast<double>(to.QuadPart - from.QuadPart) / static_cast<double>(frequency.QuadPart);
}

// User + kernel time of this process so far.
double CpuSeconds() {
  FILETIME created, exited, kernel, user;
  GetProcessTimes(GetCurrentProcess(), &created, &exited, &kernel, &user);
  auto seconds = [](const FILETIME& time) {
    return static_cast<double>(ULARGE_INTEGER{{time.dwLowDateTime, time.dwHighDateTime}}.QuadPart) / 1e7;
  };
  return seconds(kernel) + seconds(user);
}

}  // namespace

int wmain(int argc, wchar_t** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: raw_sink_client.exe <vm name> <control ProgID> <count>\n");
    return 2;
  }
  wanted = _wtol(argv[3]);
  sinkVtable[0] = reinterpret_cast<void*>(&SinkQueryInterface);
  sinkVtable[1] = reinterpret_cast<void*>(&SinkAddRef);
  sinkVtable[2] = reinterpret_cast<void*>(&SinkRelease);
  for (int i = 0; i < kSlots; ++i) sinkVtable[3 + i] = reinterpret_cast<void*>(&SinkCount);
  allReceived = CreateEventW(nullptr, TRUE, FALSE, nullptr);
  CoInitializeEx(nullptr, COINIT_MULTITHREADED);

  IDispatch* server = Create(L"VirtualServer.Application");
  IDispatch* control = Create(argv[2]);
  VARIANT vmName;
  vmName.vt = VT_BSTR;
  vmName.bstrVal = SysAllocString(argv[1]);
  VARIANT found = CallMethod(server, L"FindVirtualMachine", &vmName, 1);
  if (found.vt != VT_DISPATCH || found.pdispVal == nullptr) Fail("FindVirtualMachine", E_FAIL);

  IConnectionPointContainer* container = nullptr;
  Check("QueryInterface(IConnectionPointContainer)",
        found.pdispVal->QueryInterface(IID_IConnectionPointContainer, reinterpret_cast<void**>(&container)));
  IEnumConnectionPoints* points = nullptr;
  Check("EnumConnectionPoints", container->EnumConnectionPoints(&points));
  IConnectionPoint* point = nullptr;
  ULONG fetched = 0;
  if (points->Next(1, &point, &fetched) != S_OK || fetched != 1) Fail("IEnumConnectionPoints::Next", E_FAIL);
  Check("GetConnectionInterface", point->GetConnectionInterface(&eventIid));
  DWORD cookie = 0;
  Check("Advise", point->Advise(reinterpret_cast<IUnknown*>(&sink), &cookie));

  VARIANT burst[3];
  burst[0].vt = VT_BSTR;
  burst[0].bstrVal = SysAllocString(L"OnStateChange");
  burst[1].vt = VT_I4;
  burst[1].lVal = wanted;
  burst[2] = vmName;
  LARGE_INTEGER start, end;
  const double cpuBefore = CpuSeconds();
  QueryPerformanceCounter(&start);
  CallMethod(control, L"FireBurst", burst, 3);
  DWORD waited = WaitForSingleObject(allReceived, 300000);
  QueryPerformanceCounter(&end);
  const double cpuSeconds = CpuSeconds() - cpuBefore;
  if (waited != WAIT_OBJECT_0) Fail("waiting for the burst", HRESULT_FROM_WIN32(WAIT_TIMEOUT));

  point->Unadvise(cookie);
  point->Release();
  points->Release();
  container->Release();
  VariantClear(&found);
  VariantClear(&burst[0]);
  VariantClear(&vmName);
  control->Release();
  server->Release();
  CoUninitialize();
  std::printf("{\"events\":%ld,\"seconds\":%.6f,\"cpuSeconds\":%.6f}\n", received.load(), Seconds(start, end),
              cpuSeconds);
  std::fflush(stdout);
  return 0;
}
