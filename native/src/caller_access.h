// Who may call into this process's COM objects, the event sinks above all. Without a security descriptor
// COM admits any authenticated caller who learns a sink's interface, who could then feed it fake events.
// The descriptor admits this process's own user, the identities Virtual Server's service runs as
// (LocalSystem, NetworkService, LocalService) and the accounts the environment variable VSE_EVENT_CALLERS
// lists (comma-separated SIDs or DOMAIN\name: for a remote host, its service's account, or its machine
// account DOMAIN\HOST$ when the service runs as LocalSystem). CoInitializeSecurity takes it once, so it
// is read once: at the first connect().
#pragma once
#include <windows.h>

#include <string>
#include <vector>

namespace vse {

class CallerAccess {
 public:
  // The process's descriptor, built on first use. Throws CallerAccess::Invalid, saying which entry of
  // VSE_EVENT_CALLERS is wrong, until the variable is right.
  static const CallerAccess& Process();

  // The absolute descriptor CoInitializeSecurity takes.
  SECURITY_DESCRIPTOR* Descriptor() const { return const_cast<SECURITY_DESCRIPTOR*>(&descriptor_); }
  // The same in SDDL, for tests and bug reports.
  const std::string& Sddl() const { return sddl_; }

  struct Invalid {
    std::string message;
  };

 private:
  CallerAccess() = default;
  void Build(const std::wstring& sddl);

  SECURITY_DESCRIPTOR descriptor_ = {};
  std::string sddl_;
  std::vector<unsigned char> buffers_[4];  // the descriptor's DACL, SACL, owner and group, which it points into
};

}  // namespace vse
