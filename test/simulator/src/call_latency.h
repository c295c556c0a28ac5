// Calls of the simulator that a test can slow down, to play a slow or distant host, and that it counts:
// IDispatch::GetTypeInfoCount (a round trip that touches nothing: what clients probe liveness with) and
// IConnectionPoint::Advise (the last step of subscribing). SetLatency / CallCount on the control object.
#pragma once
#include <windows.h>

#include <string>

enum class TimedCall { GetTypeInfoCount, Advise };

// The call arrived: counts it, waits its latency.
void AnswerTimedCall(TimedCall call);
// `name` is "GetTypeInfoCount" or "Advise"; 0..60000 ms. E_INVALIDARG (with a description) otherwise.
HRESULT SetCallLatency(const std::wstring& name, long milliseconds);
// Calls of that name received since the process started.
HRESULT CountOfCalls(const std::wstring& name, long* count);
