// vssim-client.exe: drives whatever simulator build is registered, late-bound, and prints what it
// sees as JSON lines (protocol in ../README.md, "Test client").
#include <windows.h>
#include <ocidl.h>
#include <olectl.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "json_out.h"
#include "process_id_hold.h"
#include "processes.h"
#include "sinks.h"
#include "values.h"

namespace {

struct Advised {
  IConnectionPoint* point;
  DWORD cookie;
};

std::map<std::wstring, IDispatch*> g_handles;
std::map<std::wstring, std::vector<Advised>> g_advised;

std::vector<std::wstring> SplitFields(const std::wstring& line) {
  std::vector<std::wstring> fields;
  size_t start = 0;
  for (;;) {
    const size_t tab = line.find(L'\t', start);
    fields.push_back(line.substr(start, tab == std::wstring::npos ? std::wstring::npos : tab - start));
    if (tab == std::wstring::npos) return fields;
    start = tab + 1;
  }
}

void Fail(const std::wstring& command, const std::wstring& error) {
  EmitLine("{\"cmd\":" + JsonString(command) + ",\"error\":" + JsonString(error) + "}");
}

IDispatch* Handle(const std::wstring& command, const std::wstring& name) {
  const auto found = g_handles.find(name);
  if (found != g_handles.end()) return found->second;
  Fail(command, L"no handle named \"" + name + L"\"");
  return nullptr;
}

void Store(const std::wstring& name, IDispatch* object) {
  auto& slot = g_handles[name];
  if (slot != nullptr) slot->Release();
  slot = object;
}

std::wstring Bstr(BSTR text) {
  std::wstring value = text ? std::wstring(text, SysStringLen(text)) : std::wstring();
  SysFreeString(text);
  return value;
}

ITypeLib* TypeLibOf(IDispatch* object, HRESULT* hr) {
  ITypeInfo* info = nullptr;
  ITypeLib* library = nullptr;
  UINT index = 0;
  *hr = object->GetTypeInfo(0, LOCALE_USER_DEFAULT, &info);
  if (SUCCEEDED(*hr)) {
    *hr = info->GetContainingTypeLib(&library, &index);
    info->Release();
  }
  return library;
}

void Create(const std::vector<std::wstring>& f) {
  if (f.size() != 3) return Fail(f[0], L"usage: create <handle> <progid>");
  CLSID clsid = GUID_NULL;
  HRESULT hr = CLSIDFromProgID(f[2].c_str(), &clsid);
  IDispatch* object = nullptr;
  if (SUCCEEDED(hr)) {
    hr = CoCreateInstance(clsid, nullptr, CLSCTX_LOCAL_SERVER, IID_IDispatch, reinterpret_cast<void**>(&object));
  }
  if (SUCCEEDED(hr)) Store(f[1], object);
  EmitLine("{\"cmd\":\"create\",\"hr\":" + JsonHresult(hr) + ",\"clsid\":" + JsonGuid(clsid) + "}");
}

void Call(const std::vector<std::wstring>& f) {
  if (f.size() < 5) return Fail(f[0], L"usage: call <handle> <method|get|put> <member> <outHandle|-> [args...]");
  IDispatch* object = Handle(f[0], f[1]);
  if (object == nullptr) return;
  WORD flags = 0;
  if (f[2] == L"method")
    flags = DISPATCH_METHOD;
  else if (f[2] == L"get")
    flags = DISPATCH_PROPERTYGET;
  else if (f[2] == L"put")
    flags = DISPATCH_PROPERTYPUT;
  else
    return Fail(f[0], L"the call kind must be method, get or put, not \"" + f[2] + L"\"");
  DISPID id = DISPID_UNKNOWN;
  LPOLESTR name = const_cast<LPOLESTR>(f[3].c_str());
  HRESULT hr = object->GetIDsOfNames(IID_NULL, &name, 1, LOCALE_USER_DEFAULT, &id);
  if (FAILED(hr)) {
    EmitLine("{\"cmd\":\"call\",\"member\":" + JsonString(f[3]) +
             ",\"stage\":\"GetIDsOfNames\",\"hr\":" + JsonHresult(hr) + "}");
    return;
  }
  std::vector<VARIANT> args(f.size() - 5);
  for (size_t i = 0; i < args.size(); ++i) {
    std::wstring error;
    // DISPPARAMS holds the arguments last to first.
    if (!ParseArgument(f[f.size() - 1 - i], g_handles, &args[i], &error)) {
      for (size_t j = 0; j < i; ++j) VariantClear(&args[j]);
      return Fail(f[0], error);
    }
  }
  DISPID putId = DISPID_PROPERTYPUT;
  DISPPARAMS params = {args.empty() ? nullptr : args.data(), flags == DISPATCH_PROPERTYPUT ? &putId : nullptr,
                       static_cast<UINT>(args.size()), flags == DISPATCH_PROPERTYPUT ? 1u : 0u};
  VARIANT result;
  VariantInit(&result);
  EXCEPINFO exception = {};
  hr = object->Invoke(id, IID_NULL, LOCALE_USER_DEFAULT, flags, &params, &result, &exception, nullptr);
  for (auto& arg : args) VariantClear(&arg);
  std::string line = "{\"cmd\":\"call\",\"member\":" + JsonString(f[3]) + ",\"hr\":" + JsonHresult(hr);
  if (hr == DISP_E_EXCEPTION) {
    if (exception.pfnDeferredFillIn != nullptr) exception.pfnDeferredFillIn(&exception);
    line += ",\"scode\":" + JsonHresult(exception.scode) +
            ",\"description\":" + JsonString(Bstr(exception.bstrDescription));
    SysFreeString(exception.bstrSource);
    SysFreeString(exception.bstrHelpFile);
  }
  line += ",\"result\":" + JsonVariant(result) + "}";
  if (SUCCEEDED(hr) && V_VT(&result) == VT_DISPATCH && V_DISPATCH(&result) != nullptr && f[4] != L"-") {
    V_DISPATCH(&result)->AddRef();
    Store(f[4], V_DISPATCH(&result));
  }
  VariantClear(&result);
  EmitLine(line);
}

void Enumerate(const std::vector<std::wstring>& f) {
  if (f.size() != 3) return Fail(f[0], L"usage: enum <handle> <prefix>");
  IDispatch* object = Handle(f[0], f[1]);
  if (object == nullptr) return;
  DISPPARAMS none = {nullptr, nullptr, 0, 0};
  VARIANT result;
  VariantInit(&result);
  HRESULT hr = object->Invoke(DISPID_NEWENUM, IID_NULL, LOCALE_USER_DEFAULT, DISPATCH_PROPERTYGET | DISPATCH_METHOD,
                              &none, &result, nullptr, nullptr);
  IEnumVARIANT* items = nullptr;
  if (SUCCEEDED(hr)) {
    IUnknown* unknown = V_VT(&result) == VT_DISPATCH ? V_DISPATCH(&result) : V_UNKNOWN(&result);
    hr = unknown ? unknown->QueryInterface(IID_IEnumVARIANT, reinterpret_cast<void**>(&items)) : E_POINTER;
  }
  VariantClear(&result);
  long count = 0;
  while (items != nullptr) {
    VARIANT item;
    VariantInit(&item);
    ULONG fetched = 0;
    if (items->Next(1, &item, &fetched) != S_OK || fetched != 1) break;
    if (V_VT(&item) == VT_DISPATCH && V_DISPATCH(&item) != nullptr) {
      V_DISPATCH(&item)->AddRef();
      Store(f[2] + std::to_wstring(++count), V_DISPATCH(&item));
    }
    VariantClear(&item);
  }
  if (items != nullptr) items->Release();
  EmitLine("{\"cmd\":\"enum\",\"hr\":" + JsonHresult(hr) + ",\"count\":" + std::to_string(count) + "}");
}

void DescribeTypeLib(const std::vector<std::wstring>& f) {
  if (f.size() != 2) return Fail(f[0], L"usage: typelib <handle>");
  IDispatch* object = Handle(f[0], f[1]);
  if (object == nullptr) return;
  HRESULT hr = S_OK;
  ITypeLib* library = TypeLibOf(object, &hr);
  if (library == nullptr) {
    EmitLine("{\"cmd\":\"typelib\",\"hr\":" + JsonHresult(hr) + "}");
    return;
  }
  TLIBATTR* attr = nullptr;
  library->GetLibAttr(&attr);
  BSTR name = nullptr;
  library->GetDocumentation(-1, &name, nullptr, nullptr, nullptr);
  std::string line = "{\"cmd\":\"typelib\",\"hr\":" + JsonHresult(S_OK) + ",\"libid\":" + JsonGuid(attr->guid) +
                     ",\"version\":\"" + std::to_string(attr->wMajorVerNum) + "." + std::to_string(attr->wMinorVerNum) +
                     "\",\"name\":" + JsonString(Bstr(name)) + ",\"types\":[";
  library->ReleaseTLibAttr(attr);
  static const char* const kinds[] = {"enum", "record", "module", "interface", "dispatch", "coclass", "alias", "union"};
  for (UINT i = 0; i < library->GetTypeInfoCount(); ++i) {
    BSTR typeName = nullptr;
    TYPEKIND kind = TKIND_MAX;
    library->GetDocumentation(static_cast<INT>(i), &typeName, nullptr, nullptr, nullptr);
    library->GetTypeInfoType(i, &kind);
    line += std::string(i ? "," : "") + "{\"name\":" + JsonString(Bstr(typeName)) + ",\"kind\":\"" +
            (kind < TKIND_MAX ? kinds[kind] : "?") + "\"}";
  }
  library->Release();
  EmitLine(line + "]}");
}

// Names of `info`'s own methods in vtable (oVft) order, or DISPID order for a dispinterface.
std::string MethodNames(ITypeInfo* info) {
  TYPEATTR* attr = nullptr;
  if (FAILED(info->GetTypeAttr(&attr))) return "[]";
  std::vector<std::pair<long, std::wstring>> methods;
  for (UINT i = 0; i < attr->cFuncs; ++i) {
    FUNCDESC* desc = nullptr;
    if (FAILED(info->GetFuncDesc(i, &desc))) continue;
    BSTR name = nullptr;
    info->GetDocumentation(desc->memid, &name, nullptr, nullptr, nullptr);
    methods.emplace_back(attr->typekind == TKIND_DISPATCH ? desc->memid : desc->oVft, Bstr(name));
    info->ReleaseFuncDesc(desc);
  }
  info->ReleaseTypeAttr(attr);
  std::string json = "[";
  for (size_t i = 0; i < methods.size(); ++i) json += (i ? "," : "") + JsonString(methods[i].second);
  return json + "]";
}

void Advise(const std::vector<std::wstring>& f) {
  if (f.size() != 3) return Fail(f[0], L"usage: advise <handle> <label>");
  IDispatch* object = Handle(f[0], f[1]);
  if (object == nullptr) return;
  IConnectionPointContainer* container = nullptr;
  IEnumConnectionPoints* points = nullptr;
  HRESULT hr = object->QueryInterface(IID_IConnectionPointContainer, reinterpret_cast<void**>(&container));
  if (SUCCEEDED(hr)) hr = container->EnumConnectionPoints(&points);
  HRESULT libraryHr = S_OK;
  ITypeLib* library = SUCCEEDED(hr) ? TypeLibOf(object, &libraryHr) : nullptr;
  std::string line = "{\"cmd\":\"advise\",\"hr\":" + JsonHresult(hr) + ",\"points\":[";
  IConnectionPoint* point = nullptr;
  ULONG fetched = 0;
  bool first = true;
  while (points != nullptr && points->Next(1, &point, &fetched) == S_OK && fetched == 1) {
    IID iid = GUID_NULL;
    point->GetConnectionInterface(&iid);
    ITypeInfo* info = nullptr;
    if (library != nullptr) library->GetTypeInfoOfGuid(iid, &info);
    std::string entry = "{\"iid\":" + JsonGuid(iid);
    std::wstring error;
    IUnknown* sink = nullptr;
    if (info != nullptr) {
      BSTR name = nullptr;
      TYPEATTR* attr = nullptr;
      info->GetDocumentation(MEMBERID_NIL, &name, nullptr, nullptr, nullptr);
      info->GetTypeAttr(&attr);
      entry += ",\"interface\":" + JsonString(Bstr(name)) + ",\"kind\":\"" +
               (attr->typekind == TKIND_DISPATCH ? "dispinterface" : "interface") +
               "\",\"methods\":" + MethodNames(info);
      info->ReleaseTypeAttr(attr);
      sink = NewEventSink(iid, info, f[2], &error);
      info->Release();
    } else {
      error = L"the server's type library does not describe its connection interface";
    }
    if (sink != nullptr) {
      DWORD cookie = 0;
      const HRESULT adviseHr = point->Advise(sink, &cookie);
      sink->Release();
      entry += ",\"adviseHr\":" + JsonHresult(adviseHr) + ",\"cookie\":" + std::to_string(cookie);
      if (SUCCEEDED(adviseHr)) {
        point->AddRef();
        g_advised[f[1]].push_back({point, cookie});
      }
    } else {
      entry += ",\"error\":" + JsonString(error);
    }
    point->Release();
    line += (first ? "" : ",") + entry + "}";
    first = false;
  }
  if (library != nullptr) library->Release();
  if (points != nullptr) points->Release();
  if (container != nullptr) container->Release();
  EmitLine(line + "]}");
}

void Unadvise(const std::wstring& handle, bool report) {
  HRESULT first = S_OK;
  for (const Advised& advised : g_advised[handle]) {
    const HRESULT hr = advised.point->Unadvise(advised.cookie);
    advised.point->Release();
    if (SUCCEEDED(first) && FAILED(hr)) first = hr;
  }
  const size_t count = g_advised[handle].size();
  g_advised.erase(handle);
  if (report) {
    EmitLine("{\"cmd\":\"unadvise\",\"hr\":" + JsonHresult(first) + ",\"count\":" + std::to_string(count) + "}");
  }
}

void Release(const std::vector<std::wstring>& f) {
  if (f.size() != 2) return Fail(f[0], L"usage: release <handle>");
  IDispatch* object = Handle(f[0], f[1]);
  if (object == nullptr) return;
  g_handles.erase(f[1]);
  const ULONG left = object->Release();
  EmitLine("{\"cmd\":\"release\",\"refs\":" + std::to_string(left) + "}");
}

void ReleaseEverything() {
  while (!g_advised.empty()) Unadvise(g_advised.begin()->first, false);
  for (auto& entry : g_handles) entry.second->Release();
  g_handles.clear();
}

bool Execute(const std::vector<std::wstring>& f) {
  const std::wstring& command = f[0];
  if (command == L"quit") return false;
  if (command == L"create")
    Create(f);
  else if (command == L"call")
    Call(f);
  else if (command == L"enum")
    Enumerate(f);
  else if (command == L"typelib")
    DescribeTypeLib(f);
  else if (command == L"advise")
    Advise(f);
  else if (command == L"unadvise" && f.size() == 2)
    Unadvise(f[1], true);
  else if (command == L"release")
    Release(f);
  else if (command == L"answer-shutdown" && f.size() == 2 && (f[1] == L"true" || f[1] == L"false")) {
    SetShutdownAnswer(f[1] == L"true");
    EmitLine("{\"cmd\":\"answer-shutdown\",\"allowed\":" + std::string(f[1] == L"true" ? "true" : "false") + "}");
  } else if (command == L"hold-events" && f.size() == 2 && (f[1] == L"true" || f[1] == L"false")) {
    HoldEvents(f[1] == L"true");
    EmitLine("{\"cmd\":\"hold-events\",\"held\":" + std::string(f[1] == L"true" ? "true" : "false") + "}");
  } else if (command == L"echo") {
    EmitLine("{\"cmd\":\"echo\",\"text\":" + JsonString(f.size() > 1 ? f[1] : std::wstring()) + "}");
  } else {
    Fail(command, L"unknown command or wrong arguments: see test/simulator/README.md");
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::string(argv[1]) == "--processes") return ListSimulatorProcesses();
  if (argc == 2 && std::string(argv[1]) == "--kill") return KillSimulatorProcesses();
  if (argc == 2 && std::string(argv[1]) == "--hold-process-ids") return HoldProcessIds();
  if (argc == 3 && std::string(argv[1]) == "--census") return PrintCensus(std::strtoul(argv[2], nullptr, 10));
  if (argc != 1) {
    std::fprintf(
        stderr,
        "usage: vssim-client.exe [--processes | --kill | --census PID | --hold-process-ids]; commands on stdin "
        "(test/simulator/README.md)\n");
    return 2;
  }
  // MTA, as the Virtual Server docs require of clients: events arrive on RPC threads, no message pump.
  CoInitializeEx(nullptr, COINIT_MULTITHREADED);
  CoInitializeSecurity(nullptr, -1, nullptr, nullptr, RPC_C_AUTHN_LEVEL_PKT_PRIVACY, RPC_C_IMP_LEVEL_IMPERSONATE,
                       nullptr, EOAC_DYNAMIC_CLOAKING, nullptr);
  EmitLine("{\"ready\":true,\"pid\":" + std::to_string(GetCurrentProcessId()) + "}");
  char buffer[65536];
  while (std::fgets(buffer, sizeof(buffer), stdin) != nullptr) {
    std::string line(buffer);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    if (line.empty()) continue;
    if (!Execute(SplitFields(FromUtf8(line)))) break;
  }
  ReleaseEverything();
  CoUninitialize();
  return 0;
}
