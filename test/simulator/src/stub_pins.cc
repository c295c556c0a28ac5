#include "stub_pins.h"

#include <windows.h>
#include <oaidl.h>

#include "type_library.h"

namespace {

// Marshals `object` table-strong into a stream that is never released: its stub lives until the process ends.
void Pin(REFIID iid, IUnknown* object) {
  IStream* stream = nullptr;
  if (object == nullptr || FAILED(CreateStreamOnHGlobal(nullptr, TRUE, &stream))) return;
  CoMarshalInterface(stream, iid, object, MSHCTX_LOCAL, nullptr, MSHLFLAGS_TABLESTRONG);
}

}  // namespace

// Wine: combase registers an RPC interface for an IID while any stub of that IID lives; when the last goes
// (a client's RemRelease), it unregisters it with RpcServerUnregisterIf, waiting for calls in progress,
// while it holds the lock that marshaling an object of that IID takes. A client releasing its last
// ITypeInfo while another client's GetTypeInfo marshaled one locked the server up for good (seen in the
// stress campaign: RemRelease -> stub_manager_delete -> rpc_unregister_interface waiting, and the other
// call in marshal_object -> rpc_register_interface waiting on it). Windows has no such lock-up. Clients
// read the type library's ITypeLib and ITypeInfo objects for discovery and let them go soon after: one
// stub of each, kept, keeps their registration for the life of the process.
void PinTypeLibraryStubs() {
  ITypeLib* library = EmbeddedTypeLib(nullptr);
  if (library == nullptr) return;
  ITypeInfo* info = nullptr;
  if (SUCCEEDED(library->GetTypeInfo(0, &info))) Pin(IID_ITypeInfo, info);
  Pin(IID_ITypeLib, library);
}
