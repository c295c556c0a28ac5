// The COM security every proxy of one connection gets: impersonate level, and the connection's explicit
// credentials (COAUTHIDENTITY) when the user gave some. Credentials live here only, never in messages.
#pragma once
#include <windows.h>
#include <objbase.h>

#include <string>

namespace vse {

class ProxySecurity {
 public:
  // Copies the credentials: these copies are the only ones, wiped when the connection goes.
  ProxySecurity(const std::wstring& user, const std::wstring& domain, const std::wstring& password);
  ProxySecurity() = default;
  ~ProxySecurity();
  ProxySecurity(const ProxySecurity&) = delete;
  ProxySecurity& operator=(const ProxySecurity&) = delete;

  // Negotiate (Kerberos where the domain has it, else NTLM), for activation and every proxy alike: a
  // host that restricts NTLM still accepts it, and one service throughout behaves the same everywhere.
  static constexpr DWORD kAuthenticationService = RPC_C_AUTHN_GSS_NEGOTIATE;

  bool HasCredentials() const { return hasCredentials_; }
  // For CoCreateInstanceEx's COAUTHINFO; nullptr without credentials.
  COAUTHIDENTITY* Identity() const { return hasCredentials_ ? &identity_ : nullptr; }

  // A COM thread. Sets the blanket on a proxy when it needs one: explicit credentials, or a host process
  // that had set COM security before us. Objects that are not proxies are left as they are.
  void Apply(IUnknown* object) const;

 private:
  bool hasCredentials_ = false;
  std::wstring user_, domain_, password_;
  mutable COAUTHIDENTITY identity_ = {};  // COM keeps pointing at it while proxies live
};

}  // namespace vse
