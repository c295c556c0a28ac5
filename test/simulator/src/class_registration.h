// The running server's class objects (VirtualServer.Application and the control object), registered
// REGCLS_MULTIPLEUSE so one process serves every client.
#pragma once
#include <windows.h>

HRESULT RegisterClassObjects();
void RevokeClassObjects();
