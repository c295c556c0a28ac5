#include "host.h"

#include "vssim_interfaces.h"

namespace {

// Invented for the simulator's second host (not Microsoft's, nor in the type library: host B serves the same
// coclasses as host A under these CLSIDs).
const CLSID kServerClsidHostB = {0x137A20F7, 0xA040, 0x41B7, {0xAF, 0x5E, 0x67, 0x64, 0x18, 0x92, 0x4B, 0x84}};
const CLSID kControlClsidHostB = {0xE69D996F, 0x023E, 0x4C15, {0xB0, 0x55, 0x8E, 0x26, 0x71, 0xF4, 0x25, 0x6C}};

}  // namespace

const Host kHosts[2] = {
    {L"A", CLSID_VMVirtualServer, CLSID_VMSimulatorControl, VSSIM_PROGID, VSSIM_CONTROL_PROGID},
    {L"B", kServerClsidHostB, kControlClsidHostB, VSSIM_PROGID L".HostB", VSSIM_CONTROL_PROGID L".HostB"},
};

const Host* FindHost(const wchar_t* name) {
  for (const Host& host : kHosts) {
    if (_wcsicmp(host.name, name) == 0) return &host;
  }
  return nullptr;
}
