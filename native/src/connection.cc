#include "connection.h"

#include <cmath>

#include "arg_errors.h"
#include "hresult.h"
#include "secret.h"
#include "text.h"

namespace vse {
namespace {

// Reads options[name] into `target` in place, so that a credential is never copied on the way; the
// UTF-16 intermediate is wiped.
void ReadString(const Napi::Object& options, const char* name, std::wstring* target, bool* present) {
  Napi::Value value = options.Get(name);
  *present = !value.IsUndefined();
  if (!*present) return;
  if (!value.IsString()) ThrowInvalidType(options.Env(), std::string("options.") + name, "a string");
  std::u16string text = value.As<Napi::String>().Utf16Value();
  target->assign(text.begin(), text.end());
  Wipe(text);
  if (target->empty()) ThrowInvalidValue(options.Env(), std::string("options.") + name, "a non-empty string");
}

std::string ServerDescription(const ConnectOptions& options) {
  std::string what = options.clsid.empty() ? Utf8FromWide(options.progId) : "CLSID " + Utf8FromWide(options.clsid);
  return what + (options.host.empty() ? " on this host" : " on host " + Utf8FromWide(options.host));
}

}  // namespace

ConnectOptions ReadConnectOptions(const Napi::Value& value) {
  Napi::Env env = value.Env();
  ConnectOptions options;
  if (value.IsUndefined()) return options;
  if (!value.IsObject() || value.IsArray()) ThrowInvalidType(env, "options", "an object");
  Napi::Object object = value.As<Napi::Object>();
  bool present = false;
  ReadString(object, "progId", &options.progId, &present);
  ReadString(object, "clsid", &options.clsid, &present);
  if (present && !IsGuidText(options.clsid)) {
    ThrowInvalidValue(env, "options.clsid", "a CLSID in the form '{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}'");
  }
  ReadString(object, "host", &options.host, &present);
  bool hasUser = false, hasPassword = false, hasDomain = false;
  ReadString(object, "user", &options.user, &hasUser);
  ReadString(object, "password", &options.password, &hasPassword);
  ReadString(object, "domain", &options.domain, &hasDomain);
  options.hasCredentials = hasUser || hasPassword || hasDomain;
  if (options.hasCredentials && !(hasUser && hasPassword)) {
    ThrowInvalidValue(env, "options", "given both user and password (and optionally domain) for explicit credentials");
  }
  if (options.hasCredentials && options.host.empty()) {
    ThrowInvalidValue(env, "options", "given a host when it gives credentials: COM uses them for remote hosts only");
  }
  Napi::Value callTimeout = object.Get("callTimeoutMs");
  if (!callTimeout.IsUndefined()) {
    if (!callTimeout.IsNumber()) ThrowInvalidType(env, "options.callTimeoutMs", "a number");
    double ms = callTimeout.As<Napi::Number>().DoubleValue();
    if (!(ms >= 1 && ms <= 2147483647) || std::trunc(ms) != ms) {
      ThrowOutOfRange(env, "options.callTimeoutMs", "an integer >= 1 and <= 2147483647");
    }
    options.callTimeout = std::chrono::milliseconds(static_cast<long long>(ms));
  }
  return options;
}

std::shared_ptr<HostConnection> OpenConnection(ConnectOptions& options) {
  auto security = options.hasCredentials
                      ? std::make_shared<ProxySecurity>(options.user, options.domain, options.password)
                      : std::make_shared<ProxySecurity>();
  for (std::wstring* secret : {&options.user, &options.domain, &options.password}) Wipe(*secret);
  return HostConnection::Create(std::move(security), options.callTimeout, ServerDescription(options));
}

std::shared_ptr<ComObject> ActivateRoot(const ConnectOptions& options, const std::shared_ptr<HostConnection>& host) {
  CLSID clsid;
  HRESULT hr = options.clsid.empty() ? CLSIDFromProgID(options.progId.c_str(), &clsid)
                                     : CLSIDFromString(options.clsid.c_str(), &clsid);
  if (FAILED(hr)) {
    ComError error = ErrorFromHresult(hr, "finding the class of " + ServerDescription(options));
    error.message +=
        ". Is the server (Virtual Server 2005 R2) installed and registered here? For a remote host "
        "whose ProgID is not registered locally, pass its clsid.";
    throw ComFailure(error);
  }

  auto object = std::make_shared<ComObject>();
  object->host = host;
  if (options.host.empty()) {
    hr = CoCreateInstance(clsid, nullptr, CLSCTX_SERVER, IID_IDispatch,
                          reinterpret_cast<void**>(object->dispatch.out()));
  } else {
    COAUTHINFO authInfo = {ProxySecurity::kAuthenticationService,
                           RPC_C_AUTHZ_NONE,
                           nullptr,
                           RPC_C_AUTHN_LEVEL_PKT_PRIVACY,
                           RPC_C_IMP_LEVEL_IMPERSONATE,
                           host->security().Identity(),
                           EOAC_NONE};
    std::wstring hostName = options.host;
    COSERVERINFO serverInfo = {0, &hostName[0], host->security().HasCredentials() ? &authInfo : nullptr, 0};
    MULTI_QI query = {&IID_IDispatch, nullptr, S_OK};
    hr = CoCreateInstanceEx(clsid, nullptr, CLSCTX_REMOTE_SERVER, &serverInfo, 1, &query);
    if (SUCCEEDED(hr)) hr = query.hr;
    if (SUCCEEDED(hr)) *object->dispatch.out() = static_cast<IDispatch*>(query.pItf);
  }
  if (FAILED(hr)) {
    ComError error = ErrorFromHresult(hr, "connecting to " + ServerDescription(options));
    if (hr == REGDB_E_CLASSNOTREG) error.message += ". The class is not registered: is the server installed?";
    throw ComFailure(error);
  }
  host->security().Apply(object->dispatch.get());
  return object;
}

}  // namespace vse
