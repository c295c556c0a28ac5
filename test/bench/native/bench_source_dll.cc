// bench_source.dll: the benchmarks' event source in process (InprocServer32, ThreadingModel Both).
#include <windows.h>
#include <objbase.h>

#include "bench_source.h"

extern "C" BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID) {
  if (reason == DLL_PROCESS_ATTACH) bench::SetModule(instance);
  return TRUE;
}

extern "C" HRESULT STDAPICALLTYPE DllGetClassObject(REFCLSID clsid, REFIID iid, void** out) {
  IClassFactory* factory = bench::Factory(clsid);
  if (factory == nullptr) return (*out = nullptr), CLASS_E_CLASSNOTAVAILABLE;
  return factory->QueryInterface(iid, out);
}

extern "C" HRESULT STDAPICALLTYPE DllCanUnloadNow() { return bench::LiveObjects() == 0 ? S_OK : S_FALSE; }
