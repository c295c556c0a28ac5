#include "hresult.h"

#include <atomic>
#include <cstdio>

#include "text.h"

namespace vse {
namespace {

// The table lib/hresults.ts hands the addon at load (UseKnownHresults): set once, then only read, from
// any thread. Until then (and for a code it lacks) a message has the hex code and FormatMessage's text.
std::atomic<const KnownHresults*> known{nullptr};

const KnownHresult* FindKnown(HRESULT hr) {
  const KnownHresults* table = known.load(std::memory_order_acquire);
  if (table == nullptr) return nullptr;
  auto found = table->find(static_cast<unsigned long>(hr));
  return found == table->end() ? nullptr : &found->second;
}

std::string SystemMessage(HRESULT hr) {
  wchar_t* buffer = nullptr;
  DWORD length =
      FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
                     nullptr, static_cast<DWORD>(hr), 0, reinterpret_cast<wchar_t*>(&buffer), 0, nullptr);
  std::string message;
  if (length > 0 && buffer != nullptr) {
    while (length > 0 && (buffer[length - 1] == L'\r' || buffer[length - 1] == L'\n' || buffer[length - 1] == L' ')) {
      --length;
    }
    message = Utf8FromWide(buffer, length);
  }
  LocalFree(buffer);
  return message;
}

std::string Hex(HRESULT hr) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08lX", static_cast<unsigned long>(hr));
  return text;
}

}  // namespace

bool IsDisconnection(HRESULT hr) {
  switch (static_cast<unsigned long>(hr)) {
    case 0x80010108UL:  // RPC_E_DISCONNECTED
    case 0x80010007UL:  // RPC_E_SERVER_DIED
    case 0x80010012UL:  // RPC_E_SERVER_DIED_DNE
    case 0x800706BAUL:  // RPC_S_SERVER_UNAVAILABLE
    case 0x800706BEUL:  // RPC_S_CALL_FAILED
    case 0x800706BFUL:  // RPC_S_CALL_FAILED_DNE
    case 0x800401FDUL:  // CO_E_OBJNOTCONNECTED
      return true;
    default:
      return false;
  }
}

void UseKnownHresults(KnownHresults table) {
  const KnownHresults* unset = nullptr;
  auto* kept = new KnownHresults(std::move(table));  // kept for the process: threads read it without a lock
  if (!known.compare_exchange_strong(unset, kept, std::memory_order_acq_rel)) delete kept;
}

std::string DescribeHresult(HRESULT hr) {
  std::string text = Hex(hr);
  const KnownHresult* name = FindKnown(hr);
  if (name != nullptr) text += " " + name->name;
  std::string message = name != nullptr && !name->message.empty() ? name->message : SystemMessage(hr);
  if (!message.empty()) text += ": " + message;
  return text;
}

ComError ErrorFromHresult(HRESULT hr, const std::string& doing, const EXCEPINFO* exception) {
  ComError error;
  error.hasHresult = true;
  error.hresult = hr;
  std::string serverText;
  if (hr == DISP_E_EXCEPTION && exception != nullptr) {
    // The server's own failure travels in EXCEPINFO; its scode is the HRESULT worth reporting.
    if (FAILED(exception->scode)) error.hresult = exception->scode;
    if (exception->bstrDescription != nullptr) {
      serverText = Utf8FromWide(exception->bstrDescription, SysStringLen(exception->bstrDescription));
    }
  }
  error.code = IsDisconnection(error.hresult) ? error_code::kDisconnected : error_code::kComError;
  // Only a deadline cancels calls (CoCancelCall, host_connection.h).
  if (error.hresult == RPC_E_CALL_CANCELED) error.code = error_code::kTimeout;
  error.message = doing + " failed: " + DescribeHresult(error.hresult);
  if (!serverText.empty()) error.message += " (the server says: " + serverText + ")";
  if (error.code == error_code::kDisconnected) {
    error.message += ". The server process is gone or unreachable: connect again once it runs.";
  } else if (error.hresult == E_ACCESSDENIED || static_cast<unsigned long>(error.hresult) == 0x80070542UL) {
    error.message +=
        ". Virtual Server needs the caller to be an administrator or granted access in its security settings.";
  }
  return error;
}

void ThrowHresult(HRESULT hr, const std::string& doing, const EXCEPINFO* exception) {
  throw ComFailure(ErrorFromHresult(hr, doing, exception));
}

void ThrowComError(const char* code, const std::string& message) {
  ComError error;
  error.code = code;
  error.message = message;
  throw ComFailure(std::move(error));
}

Napi::Error ToJsError(Napi::Env env, const ComError& error) {
  Napi::Error jsError = Napi::Error::New(env, error.message);
  jsError.Set("code", Napi::String::New(env, error.code));
  if (error.hasHresult) {
    jsError.Set("hresult", Napi::Number::New(env, static_cast<double>(static_cast<unsigned long>(error.hresult))));
    if (const KnownHresult* name = FindKnown(error.hresult))
      jsError.Set("hresultName", Napi::String::New(env, name->name));
  }
  if (error.cause) jsError.Set("cause", ToJsError(env, *error.cause).Value());
  return jsError;
}

}  // namespace vse
