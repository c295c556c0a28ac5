#include "call_latency.h"

#include <atomic>

#include "errors.h"
#include "vssim_interfaces.h"

namespace {

struct Timing {
  const wchar_t* name;
  std::atomic<long> latencyMs{0};
  std::atomic<long> received{0};
};

Timing timings[] = {{L"GetTypeInfoCount"}, {L"Advise"}};

Timing* Named(const std::wstring& name) {
  for (Timing& timing : timings) {
    if (name == timing.name) return &timing;
  }
  return nullptr;
}

HRESULT UnknownCall(const std::wstring& name) {
  return ReportError(E_INVALIDARG, IID_IVMSimulatorControl,
                     L"no timed call named '" + name + L"': GetTypeInfoCount or Advise");
}

}  // namespace

void AnswerTimedCall(TimedCall call) {
  Timing& timing = timings[static_cast<int>(call)];
  ++timing.received;
  const long latency = timing.latencyMs;
  if (latency > 0) Sleep(static_cast<DWORD>(latency));
}

HRESULT SetCallLatency(const std::wstring& name, long milliseconds) {
  Timing* timing = Named(name);
  if (timing == nullptr) return UnknownCall(name);
  if (milliseconds < 0 || milliseconds > 60000) {
    return ReportError(
        E_INVALIDARG, IID_IVMSimulatorControl,
        L"SetLatency: milliseconds must be between 0 and 60000 (got " + std::to_wstring(milliseconds) + L")");
  }
  timing->latencyMs = milliseconds;
  return S_OK;
}

HRESULT CountOfCalls(const std::wstring& name, long* count) {
  if (count == nullptr) return E_POINTER;
  Timing* timing = Named(name);
  if (timing == nullptr) return UnknownCall(name);
  *count = timing->received;
  return S_OK;
}
