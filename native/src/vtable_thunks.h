// Vtable entries for a custom (IUnknown-derived) event interface known only at run time. Each entry is a
// small function generated per slot (and per argument-passing shape) that gathers the raw arguments as
// the platform ABI passed them and hands them to one handler:
// - x64: every parameter takes one 8-byte slot (VARIANT and DECIMAL travel as pointers); the first three
//   after `this` come in RCX..R9 or XMM1..XMM3 by position, so the shape says which of them are floating.
// - x86 (__stdcall): parameters are 4-byte stack words (8-byte types take 2, VARIANT and DECIMAL 4) and
//   the callee pops them, so the shape is the word count.
#pragma once
#include <windows.h>
#include <oaidl.h>

#include <string>
#include <vector>

namespace vse {

// The first base of any object whose vtable holds thunks: the COM interface pointer points at it.
struct ThunkTarget {
  using Handler = HRESULT (*)(ThunkTarget* self, int slot, const unsigned char* rawArgs);
  const void* const* vtable = nullptr;
  Handler handler = nullptr;
};

// What the ABI needs to know of one parameter.
struct ThunkParam {
  VARTYPE vt;  // without VT_BYREF
  bool byRef;
};

constexpr int kMaxThunkSlot = 48;  // vtable slots 0..47: a dual's 7 inherited ones leave room for 40 events
constexpr int kMaxThunkParams = 15;

// The entry for `slot`, or nullptr with `why` set when this platform or signature cannot be thunked.
const void* ThunkFor(int slot, const std::vector<ThunkParam>& params, std::string* why);

// Byte offset of each parameter in the raw arguments the handler receives.
std::vector<size_t> RawArgOffsets(const std::vector<ThunkParam>& params);

// Whether the raw slot of a by-value parameter holds a pointer to it (x64 VARIANT/DECIMAL) rather than
// the value itself.
bool PassedByHiddenPointer(const ThunkParam& param);

}  // namespace vse
