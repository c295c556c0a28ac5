// Constructors of the simulator's COM objects; each returns one reference owned by the caller.
#pragma once
#include <vector>

#include "vssim_interfaces.h"
#include "world.h"

IVMTask* NewTaskObject(TaskPtr progress);
IVMVirtualMachine* NewVirtualMachineObject(VmPtr vm);
IVMGuestOS* NewGuestOSObject(VmPtr vm);
IVMVirtualMachineCollection* NewVirtualMachineCollection(std::vector<VmPtr> vms);
// When set, a VM collection's enumerator never ends (the control's EndlessEnumerator): a broken server.
void SetEndlessEnumerator(bool endless);
bool EndlessEnumerator();
IVMVirtualServer* NewVirtualServerObject();
IVMSimulatorControl* NewControlObject();
