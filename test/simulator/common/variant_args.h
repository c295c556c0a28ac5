// VARIANT arguments of the event methods, made without copying: shared by the simulator, which fires the
// events, and the test client, which reports them.
#pragma once
#include <windows.h>
#include <oleauto.h>

namespace vssim {

inline VARIANT Long(long value) {
  VARIANT v;
  VariantInit(&v);
  V_VT(&v) = VT_I4;
  V_I4(&v) = value;
  return v;
}

// Borrowed: the caller keeps ownership of the BSTR, so the VARIANT must not be cleared.
inline VARIANT Text(BSTR value) {
  VARIANT v;
  VariantInit(&v);
  V_VT(&v) = VT_BSTR;
  V_BSTR(&v) = value;
  return v;
}

}  // namespace vssim
