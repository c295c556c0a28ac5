// The benchmarks' event source object (bench_source.idl), shared by the in-process DLL and the
// LocalServer EXE that serve it.
#pragma once
#include <windows.h>
#include <unknwn.h>

namespace bench {

// The class factory of the CLSID given (CLSID_BenchSourceInProc or CLSID_BenchSourceLocal; static object).
IClassFactory* Factory(REFCLSID clsid);
// Objects alive now (sources, connection points, enumerators).
long LiveObjects();
// Called whenever LiveObjects() drops to zero (the LocalServer exits then); set before serving.
void OnLastObjectReleased(void (*callback)());
// The module whose type library resources the objects load (the DLL's or the EXE's).
void SetModule(HMODULE module);

}  // namespace bench
