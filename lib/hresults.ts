// The HRESULTs this package knows by name: the COM codes a Virtual Server client meets, and the VM_E_*
// codes of hresult-codes-specific-to-the-virtual-server.md (a page of Microsoft's Virtual Server 2005 R2
// reference; CONTRIBUTING.md says where those pages live), with that page's text: FormatMessage cannot
// know those, since they live in the service's own message resources. The one list: the addon is handed
// it when it loads (binding.ts) and names HRESULTs in its messages and errors from it; hresultName()
// answers from it on every platform.

/**
 * [hresult (unsigned), symbolic name, message where FormatMessage cannot give one, disconnects]. The addon
 * reads the first three; `disconnects` marks what the addon's IsDisconnection (native/src/hresult.cc)
 * turns into ERR_VS_DISCONNECTED, which test/unit/error-codes.test.js holds to this flag.
 */
export type KnownHresult = readonly [hresult: number, name: string, message?: string, disconnects?: boolean];

/** A row whose HRESULT means the server process is gone or unreachable: ERR_VS_DISCONNECTED, not a COM error. */
function disconnection(hresult: number, name: string): KnownHresult {
  return [hresult, name, undefined, true];
}

export const knownHresults: readonly KnownHresult[] = [
  [0x80004001, 'E_NOTIMPL'],
  [0x80004002, 'E_NOINTERFACE'],
  [0x80004003, 'E_POINTER'],
  [0x80004005, 'E_FAIL'],
  [0x8000ffff, 'E_UNEXPECTED'],
  [0x80070005, 'E_ACCESSDENIED'],
  [0x80070057, 'E_INVALIDARG'],
  [0x8007000e, 'E_OUTOFMEMORY'],
  [0x80070542, 'ERROR_BAD_IMPERSONATION_LEVEL'],
  disconnection(0x80010108, 'RPC_E_DISCONNECTED'),
  disconnection(0x80010007, 'RPC_E_SERVER_DIED'),
  disconnection(0x80010012, 'RPC_E_SERVER_DIED_DNE'),
  [0x80010002, 'RPC_E_CALL_CANCELED'],
  disconnection(0x800706ba, 'RPC_S_SERVER_UNAVAILABLE'),
  disconnection(0x800706be, 'RPC_S_CALL_FAILED'),
  disconnection(0x800706bf, 'RPC_S_CALL_FAILED_DNE'),
  [0x80040154, 'REGDB_E_CLASSNOTREG'],
  [0x800401f3, 'CO_E_CLASSSTRING'],
  disconnection(0x800401fd, 'CO_E_OBJNOTCONNECTED'),
  [0x80020003, 'DISP_E_MEMBERNOTFOUND'],
  [0x80020004, 'DISP_E_PARAMNOTFOUND'],
  [0x80020005, 'DISP_E_TYPEMISMATCH'],
  [0x80020006, 'DISP_E_UNKNOWNNAME'],
  [0x80020009, 'DISP_E_EXCEPTION'],
  [0x8002000a, 'DISP_E_OVERFLOW'],
  [0x8002000b, 'DISP_E_BADINDEX'],
  [0x8002000e, 'DISP_E_BADPARAMCOUNT'],
  [0x8002000f, 'DISP_E_PARAMNOTOPTIONAL'],
  [0x80040200, 'CONNECT_E_NOCONNECTION'],
  [0x80040202, 'CONNECT_E_CANNOTCONNECT'],
  [0x8002802b, 'TYPE_E_ELEMENTNOTFOUND'],
  [0x8002801d, 'TYPE_E_LIBNOTREGISTERED'],
  [0xa0040202, 'VM_E_TIMED_OUT', 'Operation timed out.'],
  [0xa0040203, 'VM_E_OUT_OF_RESOURCE', 'Out of resources.'],
  [0xa0040204, 'VM_E_TOO_MANY_VMS', 'Too many virtual machines started.'],
  [0xa0040206, 'VM_E_VM_NOT_RUNNING', 'The virtual machine must be running for this operation.'],
  [0xa0040207, 'VM_E_VM_UNKNOWN', 'Could not find the specified virtual machine.'],
  [
    0xa0040208,
    'VM_E_OUT_OF_RESERVE',
    'A virtual machine could not be started because its resource allocation exceeds the amount of host resources available.',
  ],
  [
    0xa0040209,
    'VM_E_APP_SHUTTING_DOWN',
    "The operation could not be done because Virtual Server is shutting down. This is normally caused when a user tries to start an asynchronous operation (such as running a virtual machine or creating a virtual hard disk image) after an administrator has started the server's shutdown process.",
  ],
  [0xa004020a, 'VM_E_SCRIPT_ALREADY_EXISTS', 'A script is already attached to this event.'],
  [0xa0040300, 'VM_E_PREF_NOT_FOUND', 'Preference was not found.'],
  [0xa0040301, 'VM_E_PREF_ILLEGAL_VALUE', 'Illegal preference value was specified.'],
  [0xa0040302, 'VM_E_PREF_VM_ACTIVE', 'Preference cannot be changed for a running or saved virtual machine.'],
  [
    0xa0040303,
    'VM_E_PREF_CONFIG_UPDATED_VM_ACTIVE',
    'Preference change was successful but will not take effect until the next time the virtual machine is started.',
  ],
  [
    0xa0040306,
    'VM_E_PREF_UNLOADABLE_ACTIVATION',
    'The activation dictionary could not be loaded. This can be caused by a corrupted or missing saved state file.',
  ],
  [
    0xa0040307,
    'VM_E_PREF_SAVED_STATE_BAD_VERSION',
    "The virtual machine's saved state is not compatible with this version of Virtual Server.",
  ],
  [
    0xa0040308,
    'VM_E_PREF_SAVED_STATE_ACCESS_DENIED',
    "The virtual machine's saved state could not be accessed because the user has insufficient access rights.",
  ],
  [0xa0040400, 'VM_E_CONFIG_NO_NAME', 'A virtual machine name was not specified.'],
  [
    0xa0040401,
    'VM_E_CONFIG_NAME_TOO_LONG',
    'The name of the virtual machine is too long. The length of the name cannot be more than 256 characters.',
  ],
  [
    0xa0040402,
    'VM_E_CONFIG_NAME_INVALID_CHAR',
    'The name of the virtual machine contains an invalid character (one of "*?:&lt;&gt;/|"").',
  ],
  [0xa0040403, 'VM_E_CONFIG_DUPLICATE_NAME', 'A virtual machine with this name already exists.'],
  [0xa0040500, 'VM_E_VM_RUNNING', 'Operation cannot be performed on a running virtual machine.'],
  [0xa0040501, 'VM_E_VM_NO_SAVED_STATE', 'Attempt to restore a virtual machine with no saved state.'],
  [0xa0040502, 'VM_E_DRIVE_INVALID', 'Invalid drive was specified.'],
  [0xa0040503, 'VM_E_DRIVE_BUS_LOC_IN_USE', 'Attempt to attach a drive to a bus location that is already in use.'],
  [
    0xa0040504,
    'VM_E_ADDITIONS_NOT_AVAIL',
    'Additions are not installed in this virtual machine, or the virtual machine has never been started.',
  ],
  [
    0xa0040505,
    'VM_E_ADDITIONS_FEATURE_NOT_AVAIL',
    'Additions feature is not available; either Additions are not installed or the feature has been disabled.',
  ],
  [0xa0040506, 'VM_E_FOLDER_NOT_SHARED', 'The specified folder is not being shared by the Additions.'],
  [0xa0040507, 'VM_E_VM_PAUSED', 'Cannot execute a command in the guest because the virtual machine is paused.'],
  [0xa0040508, 'VM_E_MEDIA_UNMOUNT_FAIL', 'Attempt to unmount the media present in virtual machine DVD drive failed.'],
  [0xa0040650, 'VM_E_IMAGE_CAPTURE_FAIL', 'Could not capture floppy drive image.'],
  [0xa0040651, 'VM_E_HOST_FLOPPY_CAPTURE_FAIL', 'Could not capture host floppy drive.'],
  [0xa0040652, 'VM_E_NO_MEDIA_CAPTURED', 'Could not capture floppy drive image.'],
  [0xa0040677, 'VM_E_PARENT_PATH_NOT_FOUND', 'Invalid differencing drive parent path.'],
  [0xa0040679, 'VM_E_FILE_TOO_LARGE_FOR_VOLUME', 'Attempt to create a file larger than what the host volume supports.'],
  [0xa004067a, 'VM_E_FILE_READ_ONLY', 'The file cannot be read-only.'],
  [0xa004067b, 'VM_E_WRONG_HD_IMAGE_TYPE', 'The hard disk drive image type cannot be used for this operation.'],
  [
    0xa004067c,
    'VM_E_HD_IMAGE_OPEN_FAIL',
    'The hard disk drive image could not be opened. Make sure that the file still exists and is not in use by any other applications.',
  ],
  [
    0xa004067e,
    'VM_E_HOST_DRIVE_NOT_FOUND',
    'The host drive linked to by this virtual hard disk image cannot be found. Make sure that the host drive for this virtual hard disk image still exists.',
  ],
  [0xa0040681, 'VM_E_HD_IMAGE_ACCESS', 'An unknown error has occurred attempting to access a virtual hard disk image.'],
  [
    0xa0040682,
    'VM_E_INVALID_HD_FILE',
    'The virtual hard disk image seems to be invalid. Make sure that the file has the "".vhd"" virtual hard disk image extension and that the file is actually a virtual hard disk image.',
  ],
  [
    0xa0040683,
    'VM_E_IMAGE_SIZE_TOO_LARGE',
    'A virtual hard disk image size cannot be larger than 2,088,960 MB. A FAT16 virtual hard disk image size cannot be greater than 2,000 MB.',
  ],
  [
    0xa0040684,
    'VM_E_IMAGE_SIZE_TOO_SMALL',
    'An unformatted virtual hard disk image size must be at least 3 MB. A FAT16 virtual hard disk image size must be at least 3 MB. A FAT32 virtual hard disk image size must be at least 514 MB.',
  ],
  [
    0xa0040685,
    'VM_E_PARENT_CHILD_ID_MISMATCH',
    'A differencing drive must be linked to the parent it was created with. If the parent virtual hard disk image was replaced, it could lead to the child pointing at the wrong virtual hard disk image. Make sure to keep the correct child paired with the correct parent.',
  ],
  [0xa0040700, 'VM_E_ADAPTER_NOT_FOUND', 'Host Ethernet adapter does not exist.'],
  [0xa0040701, 'VM_E_VIRTUAL_NETWORK_NAME_ALREADY_EXISTS', 'A duplicate virtual network name was specified.'],
  [0xa0040702, 'VM_E_INVALID_VIRTUAL_NETWORK_ID', 'A virtual network with the given ID could not be found.'],
  [
    0xa0040703,
    'VM_E_CANT_SET_ETHERNET_ADDRESS',
    'A virtual NIC Ethernet address cannot be set if the NIC has a dynamic Ethernet address. To set the Ethernet address, first set the IVMNetworkAdapter::IsEthernetAddressDynamic property to FALSE.',
  ],
  [
    0xa0040704,
    'VM_E_INVALID_IP_ADDRESS',
    'The IP address string is not formed correctly. A properly formed IP address follows the pattern ""X.X.X.X"", where 0 &lt;= X &lt;= 255.',
  ],
  [0xa0040705, 'VM_E_INVALID_NETWORK_ADDRESS', 'The IP address string must be a class A, class B, or class C address.'],
  [0xa0040706, 'VM_E_INVALID_NETWORK_MASK', 'The network mask is not valid for the class of network address.'],
  [0xa0040707, 'VM_E_INVALID_STARTING_ADDRESS', 'The starting IP address is not in a valid range.'],
  [0xa0040708, 'VM_E_INVALID_ENDING_ADDRESS', 'The ending IP address is not in a valid range.'],
  [0xa0040709, 'VM_E_INVALID_ADDRESS_RANGE', 'The starting IP address must be less than the ending IP address.'],
  [
    0xa004070a,
    'VM_E_CANT_SET_DYNAMIC_MAC_ADDRESS',
    'The Ethernet address for a network interface can either be generated dynamically by virtual server or can be set to a static address by the user. This function cannot be called when the address is set to be generated dynamically. The function IVMNetworkAdapter::IsEthernetAddressDynamic is used to change the generation behavior of the Ethernet address.',
  ],
  [0xa0040727, 'VM_E_DRIVE_IN_USE', 'Access to the requested drive failed because the drive is already in use.'],
  [
    0xa0040728,
    'VM_E_MEDIA_WRONG_TYPE',
    'The media that is currently captured by this drive does not match the type that is required for the requested operation.',
  ],
  [0xa0040750, 'VM_E_NO_LICENSE', 'No license is available.'],
  [0xa0040751, 'VM_E_INVALID_LICENSE', 'An invalid license is installed.'],
  [0xa0040752, 'VM_E_INVALID_LICENSE_KEY', 'An invalid license key was found.'],
  [0xa0040753, 'VM_E_INVALID_LICENSE_VALUE', 'An invalid license value was found.'],
  [0xa0040754, 'VM_E_LICENSE_ACTIVE_VM_LIMIT', 'Current limit on active virtual machines has been reached.'],
  [0xa0040755, 'VM_E_LICENSE_HOST_MEMORY_LIMIT', 'Current limit on host memory has been reached.'],
  [0xa0040756, 'VM_E_LICENSE_VM_MEMORY_LIMIT', 'Current limit on virtual machine memory has been reached.'],
  [
    0xa0040757,
    'VM_E_NOT_A_TRIAL_VERSION',
    'Attempt to invoke trial license routines on a license that is not a trial license.',
  ],
  [
    0xa0040758,
    'VM_E_NON_ACTIVE_TRIAL',
    'The trial license installed either has not yet started or is already finished.',
  ],
  [0xa0040800, 'VM_E_MOUSE_NOT_ACTIVE', 'The mouse device has not been powered up in the guest.'],
  [
    0xa0040801,
    'VM_E_USING_ABSOLUTE_COORDINATES',
    'The mouse device is currently set to use absolute mouse coordinates.',
  ],
  [
    0xa0040802,
    'VM_E_USING_RELATIVE_COORDINATES',
    'The mouse device is currently set to use relative mouse coordinates.',
  ],
  [
    0xa0040825,
    'VM_E_SET_EXCLUSIVE_MODE_FAIL',
    "Failed to set or release exclusive mode as requested. This could be because the virtual machine is no longer running, or because another process has already acquired exclusive mode on the virtual machine's keyboard device.",
  ],
  [0xa0040850, 'VM_E_NO_DISPLAY', 'Failed to find the video device for a virtual machine.'],
  [
    0xa0040900,
    'VM_E_SECURITY_DUPLICATE_USER',
    'An attempt was made to add a duplicate user or group to a security object.',
  ],
];

/** The HRESULTs flagged `disconnects`: the server process is gone or unreachable. */
export const disconnectionHresults: ReadonlySet<number> = new Set(
  knownHresults.filter(([, , , disconnects]) => disconnects).map(([hresult]) => hresult),
);
