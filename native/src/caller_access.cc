#include "caller_access.h"

#include <sddl.h>

#include <memory>
#include <mutex>
#include <vector>

#include "text.h"

namespace vse {
namespace {

constexpr wchar_t kVariable[] = L"VSE_EVENT_CALLERS";
// COM_RIGHTS_EXECUTE | COM_RIGHTS_EXECUTE_LOCAL | COM_RIGHTS_EXECUTE_REMOTE: may call in, locally or remotely.
constexpr wchar_t kMayCall[] = L"0x7";

std::wstring SidText(PSID sid) {
  LPWSTR text = nullptr;
  if (!ConvertSidToStringSidW(sid, &text)) return std::wstring();
  std::wstring result(text);
  LocalFree(text);
  return result;
}

std::wstring ProcessUserSid() {
  HANDLE token = nullptr;
  if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token)) return std::wstring();
  DWORD size = 0;
  GetTokenInformation(token, TokenUser, nullptr, 0, &size);
  std::vector<unsigned char> buffer(size);
  std::wstring sid;
  if (size > 0 && GetTokenInformation(token, TokenUser, buffer.data(), size, &size)) {
    sid = SidText(reinterpret_cast<TOKEN_USER*>(buffer.data())->User.Sid);
  }
  CloseHandle(token);
  return sid;
}

// An entry of VSE_EVENT_CALLERS as a SID string: a SID as given, or an account looked up by name.
std::wstring CallerSid(const std::wstring& entry) {
  PSID sid = nullptr;
  if (entry.compare(0, 4, L"S-1-") == 0 && ConvertStringSidToSidW(entry.c_str(), &sid)) {
    std::wstring text = SidText(sid);
    LocalFree(sid);
    return text;
  }
  DWORD sidSize = 0, domainSize = 0;
  SID_NAME_USE use;
  LookupAccountNameW(nullptr, entry.c_str(), nullptr, &sidSize, nullptr, &domainSize, &use);
  if (sidSize == 0) return std::wstring();
  std::vector<unsigned char> sidBuffer(sidSize);
  std::vector<wchar_t> domain(domainSize + 1);
  if (!LookupAccountNameW(nullptr, entry.c_str(), sidBuffer.data(), &sidSize, domain.data(), &domainSize, &use)) {
    return std::wstring();
  }
  return SidText(sidBuffer.data());
}

std::wstring Trimmed(const std::wstring& text) {
  size_t first = text.find_first_not_of(L" \t");
  size_t last = text.find_last_not_of(L" \t");
  return first == std::wstring::npos ? std::wstring() : text.substr(first, last - first + 1);
}

// Allow entries of the DACL: this user, the service identities, and the configured callers.
std::wstring AllowedCallers() {
  std::wstring user = ProcessUserSid();
  if (user.empty()) throw CallerAccess::Invalid{"the SID of this process's user could not be read"};
  std::vector<std::wstring> sids = {user, L"SY", L"NS", L"LS"};
  std::wstring list(GetEnvironmentVariableW(kVariable, nullptr, 0), L'\0');
  if (!list.empty()) list.resize(GetEnvironmentVariableW(kVariable, &list[0], static_cast<DWORD>(list.size())));
  size_t start = 0;
  while (!list.empty()) {
    size_t end = list.find(L',', start);
    std::wstring entry = Trimmed(list.substr(start, end == std::wstring::npos ? std::wstring::npos : end - start));
    if (!entry.empty()) {
      std::wstring sid = CallerSid(entry);
      if (sid.empty()) {
        throw CallerAccess::Invalid{Utf8FromWide(kVariable) + " names '" + Utf8FromWide(entry) +
                                    "', which is neither a SID nor an account this machine knows: give SIDs "
                                    "(S-1-5-...) or DOMAIN\\name, separated by commas"};
      }
      sids.push_back(sid);
    }
    if (end == std::wstring::npos) break;
    start = end + 1;
  }
  std::wstring dacl;
  for (const std::wstring& sid : sids) dacl += L"(A;;" + std::wstring(kMayCall) + L";;;" + sid + L")";
  return L"O:" + user + L"G:" + user + L"D:" + dacl;
}

}  // namespace

const CallerAccess& CallerAccess::Process() {
  // Built once it succeeds; a wrong variable is reported at every connect() until it is put right.
  static std::mutex mutex;
  static CallerAccess* built = nullptr;  // deliberately leaked: COM points into it until the process ends
  std::lock_guard<std::mutex> lock(mutex);
  if (built == nullptr) {
    std::unique_ptr<CallerAccess> access(new CallerAccess());
    access->Build(AllowedCallers());
    built = access.release();
  }
  return *built;
}

void CallerAccess::Build(const std::wstring& sddl) {
  PSECURITY_DESCRIPTOR relative = nullptr;
  if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl.c_str(), SDDL_REVISION_1, &relative, nullptr)) {
    throw Invalid{"the callers' security descriptor could not be built (" + std::to_string(GetLastError()) + ")"};
  }
  // CoInitializeSecurity wants an absolute descriptor: ask MakeAbsoluteSD for the sizes, then fill.
  DWORD descriptorSize = sizeof(descriptor_), sizes[4] = {0, 0, 0, 0};
  MakeAbsoluteSD(relative, &descriptor_, &descriptorSize, nullptr, &sizes[0], nullptr, &sizes[1], nullptr, &sizes[2],
                 nullptr, &sizes[3]);
  for (int i = 0; i < 4; ++i) buffers_[i].assign(sizes[i], 0);
  auto at = [this](int i) { return buffers_[i].empty() ? nullptr : buffers_[i].data(); };
  BOOL made = MakeAbsoluteSD(relative, &descriptor_, &descriptorSize, reinterpret_cast<PACL>(at(0)), &sizes[0],
                             reinterpret_cast<PACL>(at(1)), &sizes[1], at(2), &sizes[2], at(3), &sizes[3]);
  LocalFree(relative);
  if (!made)
    throw Invalid{"the callers' security descriptor could not be built (" + std::to_string(GetLastError()) + ")"};
  sddl_ = Utf8FromWide(sddl);
}

}  // namespace vse
