// The simulated hosts (README.md, "A second host"). Host A is the Virtual Server that clients find under
// VirtualServer.Application. Host B is the same build registered a second time under other CLSIDs and ProgIDs;
// its LocalServer32 passes /host:B, so COM starts it in a process of its own with VMs of its own: tests get
// two independent Virtual Servers on one machine (one can be frozen while the other keeps working).
#pragma once
#include <windows.h>

struct Host {
  const wchar_t* name;  // "A" or "B", as in /host:B
  const CLSID& serverClsid;
  const CLSID& controlClsid;
  const wchar_t* progId;
  const wchar_t* controlProgId;
};

// Host A, then host B.
extern const Host kHosts[2];
// The host named `name` (case-insensitive), or nullptr.
const Host* FindHost(const wchar_t* name);
