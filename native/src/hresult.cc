#include "hresult.h"

#include <cstdio>

#include "text.h"

namespace vse {
namespace {

struct KnownHresult {
  unsigned long value;
  const char* name;
  const char* message;  // nullptr: FormatMessage knows it
};

// COM codes a Virtual Server client meets, and the VM_E_* table of hresult-codes-specific-to-the-virtual-server.md
// (FormatMessage cannot know those: they live in the server's message resources).
constexpr KnownHresult kKnownHresults[] = {
    {0x80004001UL, "E_NOTIMPL", nullptr},
    {0x80004002UL, "E_NOINTERFACE", nullptr},
    {0x80004003UL, "E_POINTER", nullptr},
    {0x80004005UL, "E_FAIL", nullptr},
    {0x8000FFFFUL, "E_UNEXPECTED", nullptr},
    {0x80070005UL, "E_ACCESSDENIED", nullptr},
    {0x80070057UL, "E_INVALIDARG", nullptr},
    {0x8007000EUL, "E_OUTOFMEMORY", nullptr},
    {0x80070542UL, "ERROR_BAD_IMPERSONATION_LEVEL", nullptr},
    {0x80010108UL, "RPC_E_DISCONNECTED", nullptr},
    {0x80010007UL, "RPC_E_SERVER_DIED", nullptr},
    {0x80010012UL, "RPC_E_SERVER_DIED_DNE", nullptr},
    {0x80010002UL, "RPC_E_CALL_CANCELED", nullptr},
    {0x800706BAUL, "RPC_S_SERVER_UNAVAILABLE", nullptr},
    {0x800706BEUL, "RPC_S_CALL_FAILED", nullptr},
    {0x800706BFUL, "RPC_S_CALL_FAILED_DNE", nullptr},
    {0x80040154UL, "REGDB_E_CLASSNOTREG", nullptr},
    {0x800401F3UL, "CO_E_CLASSSTRING", nullptr},
    {0x800401FDUL, "CO_E_OBJNOTCONNECTED", nullptr},
    {0x80020003UL, "DISP_E_MEMBERNOTFOUND", nullptr},
    {0x80020004UL, "DISP_E_PARAMNOTFOUND", nullptr},
    {0x80020005UL, "DISP_E_TYPEMISMATCH", nullptr},
    {0x80020006UL, "DISP_E_UNKNOWNNAME", nullptr},
    {0x80020009UL, "DISP_E_EXCEPTION", nullptr},
    {0x8002000AUL, "DISP_E_OVERFLOW", nullptr},
    {0x8002000BUL, "DISP_E_BADINDEX", nullptr},
    {0x8002000EUL, "DISP_E_BADPARAMCOUNT", nullptr},
    {0x8002000FUL, "DISP_E_PARAMNOTOPTIONAL", nullptr},
    {0x80040200UL, "CONNECT_E_NOCONNECTION", nullptr},
    {0x80040202UL, "CONNECT_E_CANNOTCONNECT", nullptr},
    {0x8002802BUL, "TYPE_E_ELEMENTNOTFOUND", nullptr},
    {0x8002801DUL, "TYPE_E_LIBNOTREGISTERED", nullptr},
    {0xA0040202UL, "VM_E_TIMED_OUT", "Operation timed out."},
    {0xA0040203UL, "VM_E_OUT_OF_RESOURCE", "Out of resources."},
    {0xA0040204UL, "VM_E_TOO_MANY_VMS", "Too many virtual machines started."},
    {0xA0040206UL, "VM_E_VM_NOT_RUNNING", "The virtual machine must be running for this operation."},
    {0xA0040207UL, "VM_E_VM_UNKNOWN", "Could not find the specified virtual machine."},
    {0xA0040208UL, "VM_E_OUT_OF_RESERVE",
     "A virtual machine could not be started because its resource allocation exceeds the amount of host resources "
     "available."},
    {0xA0040209UL, "VM_E_APP_SHUTTING_DOWN",
     "The operation could not be done because Virtual Server is shutting down. This is normally caused when a user "
     "tries to start an asynchronous operation (such as running a virtual machine or creating a virtual hard disk "
     "image) after an administrator has started the server's shutdown process."},
    {0xA004020AUL, "VM_E_SCRIPT_ALREADY_EXISTS", "A script is already attached to this event."},
    {0xA0040300UL, "VM_E_PREF_NOT_FOUND", "Preference was not found."},
    {0xA0040301UL, "VM_E_PREF_ILLEGAL_VALUE", "Illegal preference value was specified."},
    {0xA0040302UL, "VM_E_PREF_VM_ACTIVE", "Preference cannot be changed for a running or saved virtual machine."},
    {0xA0040303UL, "VM_E_PREF_CONFIG_UPDATED_VM_ACTIVE",
     "Preference change was successful but will not take effect until the next time the virtual machine is started."},
    {0xA0040306UL, "VM_E_PREF_UNLOADABLE_ACTIVATION",
     "The activation dictionary could not be loaded. This can be caused by a corrupted or missing saved state file."},
    {0xA0040307UL, "VM_E_PREF_SAVED_STATE_BAD_VERSION",
     "The virtual machine's saved state is not compatible with this version of Virtual Server."},
    {0xA0040308UL, "VM_E_PREF_SAVED_STATE_ACCESS_DENIED",
     "The virtual machine's saved state could not be accessed because the user has insufficient access rights."},
    {0xA0040400UL, "VM_E_CONFIG_NO_NAME", "A virtual machine name was not specified."},
    {0xA0040401UL, "VM_E_CONFIG_NAME_TOO_LONG",
     "The name of the virtual machine is too long. The length of the name cannot be more than 256 characters."},
    {0xA0040402UL, "VM_E_CONFIG_NAME_INVALID_CHAR",
     "The name of the virtual machine contains an invalid character (one of \"*?:&lt;&gt;/|\"\")."},
    {0xA0040403UL, "VM_E_CONFIG_DUPLICATE_NAME", "A virtual machine with this name already exists."},
    {0xA0040500UL, "VM_E_VM_RUNNING", "Operation cannot be performed on a running virtual machine."},
    {0xA0040501UL, "VM_E_VM_NO_SAVED_STATE", "Attempt to restore a virtual machine with no saved state."},
    {0xA0040502UL, "VM_E_DRIVE_INVALID", "Invalid drive was specified."},
    {0xA0040503UL, "VM_E_DRIVE_BUS_LOC_IN_USE", "Attempt to attach a drive to a bus location that is already in use."},
    {0xA0040504UL, "VM_E_ADDITIONS_NOT_AVAIL",
     "Additions are not installed in this virtual machine, or the virtual machine has never been started."},
    {0xA0040505UL, "VM_E_ADDITIONS_FEATURE_NOT_AVAIL",
     "Additions feature is not available; either Additions are not installed or the feature has been disabled."},
    {0xA0040506UL, "VM_E_FOLDER_NOT_SHARED", "The specified folder is not being shared by the Additions."},
    {0xA0040507UL, "VM_E_VM_PAUSED", "Cannot execute a command in the guest because the virtual machine is paused."},
    {0xA0040508UL, "VM_E_MEDIA_UNMOUNT_FAIL",
     "Attempt to unmount the media present in virtual machine DVD drive failed."},
    {0xA0040650UL, "VM_E_IMAGE_CAPTURE_FAIL", "Could not capture floppy drive image."},
    {0xA0040651UL, "VM_E_HOST_FLOPPY_CAPTURE_FAIL", "Could not capture host floppy drive."},
    {0xA0040652UL, "VM_E_NO_MEDIA_CAPTURED", "Could not capture floppy drive image."},
    {0xA0040677UL, "VM_E_PARENT_PATH_NOT_FOUND", "Invalid differencing drive parent path."},
    {0xA0040679UL, "VM_E_FILE_TOO_LARGE_FOR_VOLUME",
     "Attempt to create a file larger than what the host volume supports."},
    {0xA004067AUL, "VM_E_FILE_READ_ONLY", "The file cannot be read-only."},
    {0xA004067BUL, "VM_E_WRONG_HD_IMAGE_TYPE", "The hard disk drive image type cannot be used for this operation."},
    {0xA004067CUL, "VM_E_HD_IMAGE_OPEN_FAIL",
     "The hard disk drive image could not be opened. Make sure that the file still exists and is not in use by any "
     "other applications."},
    {0xA004067EUL, "VM_E_HOST_DRIVE_NOT_FOUND",
     "The host drive linked to by this virtual hard disk image cannot be found. Make sure that the host drive for this "
     "virtual hard disk image still exists."},
    {0xA0040681UL, "VM_E_HD_IMAGE_ACCESS",
     "An unknown error has occurred attempting to access a virtual hard disk image."},
    {0xA0040682UL, "VM_E_INVALID_HD_FILE",
     "The virtual hard disk image seems to be invalid. Make sure that the file has the \"\".vhd\"\" virtual hard disk "
     "image extension and that the file is actually a virtual hard disk image."},
    {0xA0040683UL, "VM_E_IMAGE_SIZE_TOO_LARGE",
     "A virtual hard disk image size cannot be larger than 2,088,960 MB. A FAT16 virtual hard disk image size cannot "
     "be greater than 2,000 MB."},
    {0xA0040684UL, "VM_E_IMAGE_SIZE_TOO_SMALL",
     "An unformatted virtual hard disk image size must be at least 3 MB. A FAT16 virtual hard disk image size must be "
     "at least 3 MB. A FAT32 virtual hard disk image size must be at least 514 MB."},
    {0xA0040685UL, "VM_E_PARENT_CHILD_ID_MISMATCH",
     "A differencing drive must be linked to the parent it was created with. If the parent virtual hard disk image was "
     "replaced, it could lead to the child pointing at the wrong virtual hard disk image. Make sure to keep the "
     "correct child paired with the correct parent."},
    {0xA0040700UL, "VM_E_ADAPTER_NOT_FOUND", "Host Ethernet adapter does not exist."},
    {0xA0040701UL, "VM_E_VIRTUAL_NETWORK_NAME_ALREADY_EXISTS", "A duplicate virtual network name was specified."},
    {0xA0040702UL, "VM_E_INVALID_VIRTUAL_NETWORK_ID", "A virtual network with the given ID could not be found."},
    {0xA0040703UL, "VM_E_CANT_SET_ETHERNET_ADDRESS",
     "A virtual NIC Ethernet address cannot be set if the NIC has a dynamic Ethernet address. To set the Ethernet "
     "address, first set the "
     "[**IVMNetworkAdapter::IsEthernetAddressDynamic**](ivmnetworkadapter-isethernetaddressdynamic.md) property to "
     "**FALSE**."},
    {0xA0040704UL, "VM_E_INVALID_IP_ADDRESS",
     "The IP address string is not formed correctly. A properly formed IP address follows the pattern \"\"X.X.X.X\"\", "
     "where 0 &lt;= X &lt;= 255."},
    {0xA0040705UL, "VM_E_INVALID_NETWORK_ADDRESS",
     "The IP address string must be a class A, class B, or class C address."},
    {0xA0040706UL, "VM_E_INVALID_NETWORK_MASK", "The network mask is not valid for the class of network address."},
    {0xA0040707UL, "VM_E_INVALID_STARTING_ADDRESS", "The starting IP address is not in a valid range."},
    {0xA0040708UL, "VM_E_INVALID_ENDING_ADDRESS", "The ending IP address is not in a valid range."},
    {0xA0040709UL, "VM_E_INVALID_ADDRESS_RANGE", "The starting IP address must be less than the ending IP address."},
    {0xA004070AUL, "VM_E_CANT_SET_DYNAMIC_MAC_ADDRESS",
     "The Ethernet address for a network interface can either be generated dynamically by virtual server or can be set "
     "to a static address by the user. This function cannot be called when the address is set to be generated "
     "dynamically. The function "
     "[**IVMNetworkAdapter::IsEthernetAddressDynamic**](ivmnetworkadapter-isethernetaddressdynamic.md) is used to "
     "change the generation behavior of the Ethernet address."},
    {0xA0040727UL, "VM_E_DRIVE_IN_USE", "Access to the requested drive failed because the drive is already in use."},
    {0xA0040728UL, "VM_E_MEDIA_WRONG_TYPE",
     "The media that is currently captured by this drive does not match the type that is required for the requested "
     "operation."},
    {0xA0040750UL, "VM_E_NO_LICENSE", "No license is available."},
    {0xA0040751UL, "VM_E_INVALID_LICENSE", "An invalid license is installed."},
    {0xA0040752UL, "VM_E_INVALID_LICENSE_KEY", "An invalid license key was found."},
    {0xA0040753UL, "VM_E_INVALID_LICENSE_VALUE", "An invalid license value was found."},
    {0xA0040754UL, "VM_E_LICENSE_ACTIVE_VM_LIMIT", "Current limit on active virtual machines has been reached."},
    {0xA0040755UL, "VM_E_LICENSE_HOST_MEMORY_LIMIT", "Current limit on host memory has been reached."},
    {0xA0040756UL, "VM_E_LICENSE_VM_MEMORY_LIMIT", "Current limit on virtual machine memory has been reached."},
    {0xA0040757UL, "VM_E_NOT_A_TRIAL_VERSION",
     "Attempt to invoke trial license routines on a license that is not a trial license."},
    {0xA0040758UL, "VM_E_NON_ACTIVE_TRIAL",
     "The trial license installed either has not yet started or is already finished."},
    {0xA0040800UL, "VM_E_MOUSE_NOT_ACTIVE", "The mouse device has not been powered up in the guest."},
    {0xA0040801UL, "VM_E_USING_ABSOLUTE_COORDINATES",
     "The mouse device is currently set to use absolute mouse coordinates."},
    {0xA0040802UL, "VM_E_USING_RELATIVE_COORDINATES",
     "The mouse device is currently set to use relative mouse coordinates."},
    {0xA0040825UL, "VM_E_SET_EXCLUSIVE_MODE_FAIL",
     "Failed to set or release exclusive mode as requested. This could be because the virtual machine is no longer "
     "running, or because another process has already acquired exclusive mode on the virtual machine's keyboard "
     "device."},
    {0xA0040850UL, "VM_E_NO_DISPLAY", "Failed to find the video device for a virtual machine."},
    {0xA0040900UL, "VM_E_SECURITY_DUPLICATE_USER",
     "An attempt was made to add a duplicate user or group to a security object."},
};

const KnownHresult* FindKnown(HRESULT hr) {
  for (const KnownHresult& known : kKnownHresults) {
    if (known.value == static_cast<unsigned long>(hr)) return &known;
  }
  return nullptr;
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

std::string DescribeHresult(HRESULT hr) {
  const KnownHresult* known = FindKnown(hr);
  std::string text = Hex(hr);
  if (known != nullptr) text += std::string(" ") + known->name;
  std::string message = known != nullptr && known->message != nullptr ? known->message : SystemMessage(hr);
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
  }
  if (error.cause) jsError.Set("cause", ToJsError(env, *error.cause).Value());
  return jsError;
}

}  // namespace vse
