// The widl-generated interfaces of the build being compiled, plus the names that differ between the two
// builds (a dispinterface's IID is a DIID_ in widl's header).
#pragma once
#include <windows.h>
#include <ole2.h>
#include <olectl.h>
#include "vssim.h"

#ifdef VSSIM_EVENTS_VTABLE
#define VSSIM_BUILD_NAME L"vtable"
#define VSSIM_IID_VM_EVENTS IID_IVMVirtualMachineEvents
#define VSSIM_IID_SERVER_EVENTS IID_IVMVirtualServerEvents
#else
#define VSSIM_BUILD_NAME L"dispatch"
#define VSSIM_IID_VM_EVENTS DIID_IVMVirtualMachineEvents
#define VSSIM_IID_SERVER_EVENTS DIID_IVMVirtualServerEvents
#endif

// The real ProgID, and the test-only control surface's.
#define VSSIM_PROGID L"VirtualServer.Application"
#define VSSIM_CONTROL_PROGID L"VirtualServerSimulator.Control"
