// A clock and pacing shared across processes: the simulator stamps events with it (FireStamped), the
// benchmarks' event source and the raw baselines of bench_addon too, and Windows node reads it as hrtime.
#pragma once
#include <windows.h>

namespace qpc {

// QueryPerformanceCounter in ms: the clock of Windows node's process.hrtime (libuv's uv_hrtime), in this
// process and, being system-wide, in any other.
inline double NowMs() {
  static const double msPerTick = [] {
    LARGE_INTEGER frequency;
    QueryPerformanceFrequency(&frequency);
    return 1000.0 / static_cast<double>(frequency.QuadPart);
  }();
  LARGE_INTEGER counter;
  QueryPerformanceCounter(&counter);
  return static_cast<double>(counter.QuadPart) * msPerTick;
}

// Waits until `targetMs` on NowMs(): sleeps while more than 2 ms away, then yields (Sleep(1) is too
// coarse for 1 ms intervals).
inline void WaitUntil(double targetMs) {
  for (double left = targetMs - NowMs(); left > 0; left = targetMs - NowMs()) {
    if (left > 2) {
      Sleep(1);
    } else {
      SwitchToThread();
    }
  }
}

}  // namespace qpc
