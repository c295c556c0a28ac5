#include "host.h"

#include <cwctype>

#include "vssim_interfaces.h"

namespace {

// Invented for the simulator's other hosts (not Microsoft's, nor in the type library: they serve host A's
// coclasses under other CLSIDs). A host's CLSIDs keep these Data1 values and carry its name, upper case and
// zero-padded, in the other 12 bytes: {137A20F7-4200-0000-0000-000000000000} is host B's server, and
// test/support/simulator.js derives the same CLSIDs.
const unsigned long kServerData1 = 0x137A20F7;
const unsigned long kControlData1 = 0xE69D996F;

CLSID NamedClsid(unsigned long data1, const std::wstring& name) {
  unsigned char bytes[kMaxHostNameLength] = {};
  for (size_t i = 0; i < name.size(); ++i) bytes[i] = static_cast<unsigned char>(name[i]);
  CLSID clsid = {};
  clsid.Data1 = data1;
  clsid.Data2 = static_cast<unsigned short>(bytes[0] << 8 | bytes[1]);
  clsid.Data3 = static_cast<unsigned short>(bytes[2] << 8 | bytes[3]);
  for (size_t i = 0; i < 8; ++i) clsid.Data4[i] = bytes[4 + i];
  return clsid;
}

Host OtherHost(const std::wstring& name) {
  return {name, NamedClsid(kServerData1, name), NamedClsid(kControlData1, name), VSSIM_PROGID L".Host" + name,
          VSSIM_CONTROL_PROGID L".Host" + name};
}

}  // namespace

Host DefaultHost() {
  return {L"A", CLSID_VMVirtualServer, CLSID_VMSimulatorControl, VSSIM_PROGID, VSSIM_CONTROL_PROGID};
}

bool HostNamed(const wchar_t* name, Host* host) {
  std::wstring upper;
  for (const wchar_t* c = name; *c != L'\0'; ++c) {
    const bool asciiAlnum = (*c >= L'0' && *c <= L'9') || (*c >= L'a' && *c <= L'z') || (*c >= L'A' && *c <= L'Z');
    if (!asciiAlnum || upper.size() == kMaxHostNameLength) return false;
    upper += static_cast<wchar_t>(std::towupper(*c));
  }
  if (upper.empty()) return false;
  *host = upper == L"A" ? DefaultHost() : OtherHost(upper);
  return true;
}

bool HostOfServerClsid(REFCLSID serverClsid, Host* host) {
  if (IsEqualCLSID(serverClsid, CLSID_VMVirtualServer)) {
    *host = DefaultHost();
    return true;
  }
  if (serverClsid.Data1 != kServerData1) return false;
  wchar_t name[kMaxHostNameLength + 1] = {};
  const unsigned char bytes[kMaxHostNameLength] = {static_cast<unsigned char>(serverClsid.Data2 >> 8),
                                                   static_cast<unsigned char>(serverClsid.Data2 & 0xFF),
                                                   static_cast<unsigned char>(serverClsid.Data3 >> 8),
                                                   static_cast<unsigned char>(serverClsid.Data3 & 0xFF),
                                                   serverClsid.Data4[0],
                                                   serverClsid.Data4[1],
                                                   serverClsid.Data4[2],
                                                   serverClsid.Data4[3],
                                                   serverClsid.Data4[4],
                                                   serverClsid.Data4[5],
                                                   serverClsid.Data4[6],
                                                   serverClsid.Data4[7]};
  for (size_t i = 0; i < kMaxHostNameLength && bytes[i] != 0; ++i) name[i] = bytes[i];
  return HostNamed(name, host) && IsEqualCLSID(host->serverClsid, serverClsid);
}
