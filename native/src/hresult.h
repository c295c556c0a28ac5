// HRESULT -> readable message (FormatMessage, or the Virtual Server VM_E_* table) -> error records that
// cross from the COM thread to the JS thread, where they become JS errors with code and hresult.
#pragma once
#include <windows.h>
#include <oaidl.h>

#include <exception>
#include <memory>
#include <string>
#include <unordered_map>

#include <napi.h>

namespace vse {

// The codes the addon's errors carry, spelt again for C++: their one list is lib/error-codes.ts (a unit test
// checks that every ERR_VS_* code in native/src is there).
namespace error_code {
constexpr const char kComError[] = "ERR_VS_COM_ERROR";                      // a COM call failed: see hresult
constexpr const char kDisconnected[] = "ERR_VS_DISCONNECTED";               // the server died or is unreachable
constexpr const char kReleased[] = "ERR_VS_RELEASED";                       // the object was release()d
constexpr const char kQueueOverflow[] = "ERR_VS_EVENT_QUEUE_OVERFLOW";      // maxQueue reached, overflow 'error'
constexpr const char kEventsUnavailable[] = "ERR_VS_EVENTS_UNAVAILABLE";    // no sinkable source interface
constexpr const char kTimeout[] = "ERR_VS_TIMEOUT";                         // a call outlived the call timeout
constexpr const char kUnresponsive[] = "ERR_VS_UNRESPONSIVE";               // the connection's server stopped answering
constexpr const char kUnsupportedVariant[] = "ERR_VS_UNSUPPORTED_VARIANT";  // a value that cannot be converted
}  // namespace error_code

// An error as plain data, so that it can be made on any thread and thrown into JS on the JS thread.
struct ComError {
  std::string code = error_code::kComError;
  std::string message;
  bool hasHresult = false;
  HRESULT hresult = S_OK;
  std::shared_ptr<const ComError> cause;  // what led to this one, e.g. ERR_VS_UNRESPONSIVE under ERR_VS_DISCONNECTED
};

// Thrown on the COM thread; the call plumbing turns it into a rejected Promise.
class ComFailure : public std::exception {
 public:
  explicit ComFailure(ComError error) : error_(std::move(error)) {}
  const ComError& error() const { return error_; }
  const char* what() const noexcept override { return error_.message.c_str(); }

 private:
  ComError error_;
};

// An HRESULT's symbolic name, and its text where FormatMessage cannot know it (Virtual Server's VM_E_*).
struct KnownHresult {
  std::string name;
  std::string message;  // empty: FormatMessage knows it
};
using KnownHresults = std::unordered_map<unsigned long, KnownHresult>;

// JS thread, when lib loads the addon: the HRESULTs lib/hresults.ts knows. The first call sets them for
// the process (every thread reads them, without a lock); later calls (another worker's load) change nothing.
void UseKnownHresults(KnownHresults table);

// True for the HRESULTs that mean the server process is gone or cannot be reached.
bool IsDisconnection(HRESULT hr);

// "0x80070005 E_ACCESSDENIED: Access is denied." style text: hex, the symbolic name where known, the message.
std::string DescribeHresult(HRESULT hr);

// `doing` says what failed ("calling Item on the object"); an EXCEPINFO, when the server filled one, gives
// the real HRESULT and its own description.
ComError ErrorFromHresult(HRESULT hr, const std::string& doing, const EXCEPINFO* exception = nullptr);
[[noreturn]] void ThrowHresult(HRESULT hr, const std::string& doing, const EXCEPINFO* exception = nullptr);
inline void ThrowIfFailed(HRESULT hr, const char* doing) {
  if (FAILED(hr)) ThrowHresult(hr, doing);
}
[[noreturn]] void ThrowComError(const char* code, const std::string& message);

// JS thread: an Error with .code and, where COM gave one, the (unsigned) .hresult and its .hresultName.
Napi::Error ToJsError(Napi::Env env, const ComError& error);

}  // namespace vse
