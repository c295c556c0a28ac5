#include "proxy_security.h"

#include "com_thread.h"
#include "secret.h"

namespace vse {

ProxySecurity::ProxySecurity(const std::wstring& user, const std::wstring& domain, const std::wstring& password)
    : hasCredentials_(true), user_(user), domain_(domain), password_(password) {
  identity_.User = reinterpret_cast<USHORT*>(&user_[0]);
  identity_.UserLength = static_cast<ULONG>(user_.size());
  identity_.Domain = reinterpret_cast<USHORT*>(&domain_[0]);
  identity_.DomainLength = static_cast<ULONG>(domain_.size());
  identity_.Password = reinterpret_cast<USHORT*>(&password_[0]);
  identity_.PasswordLength = static_cast<ULONG>(password_.size());
  identity_.Flags = SEC_WINNT_AUTH_IDENTITY_UNICODE;
}

ProxySecurity::~ProxySecurity() {
  for (std::wstring* secret : {&user_, &domain_, &password_}) Wipe(*secret);
}

void ProxySecurity::Apply(IUnknown* object) const {
  if (object == nullptr || !(hasCredentials_ || ComThread::SecurityWasPreset())) return;
  // A non-proxy answers E_NOINTERFACE: nothing to set. Other failures surface on the first call, where
  // the HRESULT (access denied) says more than the blanket's would.
  CoSetProxyBlanket(object, kAuthenticationService, RPC_C_AUTHZ_DEFAULT, COLE_DEFAULT_PRINCIPAL,
                    RPC_C_AUTHN_LEVEL_PKT_PRIVACY, RPC_C_IMP_LEVEL_IMPERSONATE, Identity(), EOAC_DEFAULT);
  IUnknown* identityUnknown = nullptr;
  // The proxy's IUnknown is a separate interface proxy: give it the same blanket (Release/QI go through it).
  if (SUCCEEDED(object->QueryInterface(IID_IUnknown, reinterpret_cast<void**>(&identityUnknown)))) {
    if (identityUnknown != object) {
      CoSetProxyBlanket(identityUnknown, kAuthenticationService, RPC_C_AUTHZ_DEFAULT, COLE_DEFAULT_PRINCIPAL,
                        RPC_C_AUTHN_LEVEL_PKT_PRIVACY, RPC_C_IMP_LEVEL_IMPERSONATE, Identity(), EOAC_DEFAULT);
    }
    identityUnknown->Release();
  }
}

}  // namespace vse
