#include "json_out.h"

#include <cstdio>
#include <mutex>

std::string JsonString(const std::wstring& text) {
  std::string out = "\"";
  for (wchar_t c : text) {
    if (c == L'"' || c == L'\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char escape[8];
      std::snprintf(escape, sizeof(escape), "\\u%04x", static_cast<unsigned>(c));
      out += escape;
    }
  }
  return out + "\"";
}

std::string JsonHresult(HRESULT hr) {
  char text[16];
  std::snprintf(text, sizeof(text), "\"0x%08lX\"", static_cast<unsigned long>(hr));
  return text;
}

std::string JsonGuid(REFGUID guid) {
  wchar_t text[64];
  StringFromGUID2(guid, text, 64);
  return JsonString(text);
}

namespace {
std::string Number(double value) {
  char text[40];
  std::snprintf(text, sizeof(text), "%.17g", value);
  return text;
}
}  // namespace

std::string JsonVariant(const VARIANT& value) {
  const VARIANT* v = &value;
  if (V_VT(v) == (VT_VARIANT | VT_BYREF)) v = V_VARIANTREF(v);
  std::string json;
  switch (V_VT(v)) {
    case VT_EMPTY:
    case VT_NULL:
      json = "null";
      break;
    case VT_BOOL:
      json = V_BOOL(v) ? "true" : "false";
      break;
    case VT_I1:
      json = Number(V_I1(v));
      break;
    case VT_I2:
      json = Number(V_I2(v));
      break;
    case VT_I4:
      json = Number(V_I4(v));
      break;
    case VT_INT:
      json = Number(V_INT(v));
      break;
    case VT_I8:
      json = Number(static_cast<double>(V_I8(v)));
      break;
    case VT_UI1:
      json = Number(V_UI1(v));
      break;
    case VT_UI2:
      json = Number(V_UI2(v));
      break;
    case VT_UI4:
      json = Number(V_UI4(v));
      break;
    case VT_UINT:
      json = Number(V_UINT(v));
      break;
    case VT_UI8:
      json = Number(static_cast<double>(V_UI8(v)));
      break;
    case VT_R4:
      json = Number(V_R4(v));
      break;
    case VT_R8:
      json = Number(V_R8(v));
      break;
    case VT_DATE:
      json = Number(V_DATE(v));
      break;
    case VT_ERROR:
      json = JsonHresult(V_ERROR(v));
      break;
    case VT_BSTR:
      json = JsonString(V_BSTR(v) ? std::wstring(V_BSTR(v), SysStringLen(V_BSTR(v))) : std::wstring());
      break;
    case VT_DISPATCH:
      json = V_DISPATCH(v) ? "\"object\"" : "null";
      break;
    case VT_UNKNOWN:
      json = V_UNKNOWN(v) ? "\"object\"" : "null";
      break;
    default: {
      VARIANT text;
      VariantInit(&text);
      if (SUCCEEDED(VariantChangeType(&text, const_cast<VARIANT*>(v), 0, VT_BSTR))) {
        json = JsonString(std::wstring(V_BSTR(&text), SysStringLen(V_BSTR(&text))));
      } else {
        json = "\"unprintable\"";
      }
      VariantClear(&text);
    }
  }
  return "{\"vt\":" + std::to_string(V_VT(v)) + ",\"value\":" + json + "}";
}

void EmitLine(const std::string& json) {
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  std::fwrite(json.data(), 1, json.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}
