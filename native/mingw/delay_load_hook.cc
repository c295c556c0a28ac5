// MinGW builds only (node-gyp and cmake-js add their own copy for MSVC).
// The addon's node.exe imports are delay-loaded; when the loader asks for "node.exe", answer with the
// executable that hosts this process, so the addon also loads in hosts not named node.exe (Electron).
#include <windows.h>
#include <delayimp.h>
#include <string.h>

static FARPROC WINAPI LoadHostExecutable(unsigned int event, PDelayLoadInfo info) {
  if (event != dliNotePreLoadLibrary) return nullptr;
  if (_stricmp(info->szDll, "node.exe") != 0) return nullptr;
  return reinterpret_cast<FARPROC>(GetModuleHandle(nullptr));
}

// delayimp.h declares it extern "C"; this is its definition.
PfnDliHook __pfnDliNotifyHook2 = LoadHostExecutable;
