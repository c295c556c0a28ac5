#include "class_registration.h"

#include <atomic>

#include "class_factory.h"
#include "objects.h"

namespace {

IUnknown* CreateServer() { return NewVirtualServerObject(); }
IUnknown* CreateControl() { return NewControlObject(); }

ClassFactory g_serverFactory(CreateServer);
ClassFactory g_controlFactory(CreateControl);
std::atomic<DWORD> g_serverCookie{0};
std::atomic<DWORD> g_controlCookie{0};

}  // namespace

HRESULT RegisterClassObjects(const Host& host) {
  const DWORD flags = REGCLS_MULTIPLEUSE | REGCLS_SUSPENDED;
  DWORD cookie = 0;
  HRESULT hr = CoRegisterClassObject(host.serverClsid, &g_serverFactory, CLSCTX_LOCAL_SERVER, flags, &cookie);
  g_serverCookie = cookie;
  if (SUCCEEDED(hr)) {
    hr = CoRegisterClassObject(host.controlClsid, &g_controlFactory, CLSCTX_LOCAL_SERVER, flags, &cookie);
    g_controlCookie = cookie;
  }
  return SUCCEEDED(hr) ? CoResumeClassObjects() : hr;
}

void RevokeClassObjects() {
  for (std::atomic<DWORD>* cookie : {&g_serverCookie, &g_controlCookie}) {
    const DWORD value = cookie->exchange(0);
    if (value != 0) CoRevokeClassObject(value);
  }
}
