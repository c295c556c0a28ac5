// Activation of the root object: ProgID or CLSID, on this host (CoCreateInstance) or a remote one
// (CoCreateInstanceEx with COSERVERINFO and, when given, explicit credentials).
#pragma once
#include <chrono>
#include <memory>
#include <string>

#include <napi.h>

#include "com_object.h"
#include "secret.h"

namespace vse {

struct ConnectOptions {
  std::wstring progId = L"VirtualServer.Application";
  std::wstring clsid;  // empty: resolve progId
  std::wstring host;   // empty: this host
  bool hasCredentials = false;
  std::wstring user, domain, password;
  std::chrono::milliseconds callTimeout{15000};  // NativeConnectOptions.callTimeoutMs

  ConnectOptions() = default;
  ConnectOptions(const ConnectOptions&) = default;
  ConnectOptions& operator=(const ConnectOptions&) = default;
  // Every copy wipes its credentials when it goes, also when reading the options failed half-way.
  ~ConnectOptions() {
    for (std::wstring* secret : {&user, &domain, &password}) Wipe(*secret);
  }
};

// JS thread: validates NativeConnectOptions; throws TypeError/RangeError naming the bad field.
ConnectOptions ReadConnectOptions(const Napi::Value& options);

// JS thread: the connection the root object will belong to, with its own threads. Takes the credentials
// out of `options`, wiping them there: they live in the connection's ProxySecurity only.
std::shared_ptr<HostConnection> OpenConnection(ConnectOptions& options);

// The connection's worker: the root object, its proxy secured. Throws ComFailure with a message that
// says what to do.
std::shared_ptr<ComObject> ActivateRoot(const ConnectOptions& options, const std::shared_ptr<HostConnection>& host);

}  // namespace vse
