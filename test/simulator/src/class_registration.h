// The running server's class objects (VirtualServer.Application and the control object, under the CLSIDs of
// the host this process serves), registered REGCLS_MULTIPLEUSE so one process serves every client of its host.
#pragma once
#include <windows.h>

#include "host.h"

HRESULT RegisterClassObjects(const Host& host);
void RevokeClassObjects();
