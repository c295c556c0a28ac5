#include "type_library.h"

#include <oleauto.h>

#include <mutex>

const wchar_t* ExePath() {
  static wchar_t path[MAX_PATH * 2];
  static std::once_flag once;
  std::call_once(once, [] { GetModuleFileNameW(nullptr, path, sizeof(path) / sizeof(path[0])); });
  return path;
}

ITypeLib* EmbeddedTypeLib(HRESULT* hr) {
  static ITypeLib* library = nullptr;
  static HRESULT loaded = E_FAIL;
  static std::once_flag once;
  std::call_once(once, [] { loaded = LoadTypeLibEx(ExePath(), REGKIND_NONE, &library); });
  if (hr != nullptr) *hr = loaded;
  if (library != nullptr) library->AddRef();
  return library;
}

ITypeInfo* EmbeddedTypeInfo(REFGUID guid) {
  ITypeLib* library = EmbeddedTypeLib(nullptr);
  if (library == nullptr) return nullptr;
  ITypeInfo* info = nullptr;
  library->GetTypeInfoOfGuid(guid, &info);
  library->Release();
  return info;
}
