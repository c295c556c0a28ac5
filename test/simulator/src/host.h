// The simulated hosts (README.md, "More hosts"). Host A is the Virtual Server that clients find under
// VirtualServer.Application. Any other host is the same build registered again under CLSIDs and ProgIDs of its
// own, derived from its name; its LocalServer32 passes /host:<name>, so COM starts it in a process of its own
// with VMs of its own: tests get independent Virtual Servers on one machine (one can be frozen while the
// others keep working, and a bench can watch twenty).
#pragma once
#include <windows.h>

#include <string>

struct Host {
  std::wstring name;  // "A", or another host's name as in /host:<name> (upper case)
  CLSID serverClsid;
  CLSID controlClsid;
  std::wstring progId;
  std::wstring controlProgId;

  bool IsDefault() const { return name == L"A"; }
};

// The longest host name: its ASCII characters are the 12 bytes of Data2, Data3 and Data4 in its CLSIDs.
constexpr size_t kMaxHostNameLength = 12;

// Host A.
Host DefaultHost();
// The host named `name` (1..kMaxHostNameLength ASCII letters and digits, case-insensitive) into *host;
// false for any other name.
bool HostNamed(const wchar_t* name, Host* host);
// The host whose server CLSID is `serverClsid` into *host; false if no host has that CLSID.
bool HostOfServerClsid(REFCLSID serverClsid, Host* host);
