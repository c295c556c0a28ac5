#include "stub_pins.h"

#include <windows.h>
#include <oaidl.h>
#include <ocidl.h>

#include <cstdio>
#include <memory>

#include "class_factory.h"
#include "objects.h"
#include "server_lifetime.h"
#include "type_library.h"

namespace {

// Marshals `object` table-strong into a stream that is never released: its stub lives until the process ends.
void Pin(REFIID iid, IUnknown* object) {
  IStream* stream = nullptr;
  HRESULT hr = object == nullptr ? E_POINTER : CreateStreamOnHGlobal(nullptr, TRUE, &stream);
  if (SUCCEEDED(hr)) hr = CoMarshalInterface(stream, iid, object, MSHCTX_LOCAL, nullptr, MSHLFLAGS_TABLESTRONG);
  if (FAILED(hr)) {
    wchar_t text[40] = L"";
    StringFromGUID2(iid, text, 40);
    std::fwprintf(stderr, L"cannot pin a stub of %ls: 0x%08lX\n", text, static_cast<unsigned long>(hr));
  }
}

// Pins the object's IDispatch, its dual interface and ISupportErrorInfo, then lets go of the reference given.
template <class Dual>
void PinDispatchObject(Dual* object) {
  Pin(IID_IDispatch, object);
  Pin(__uuidof(Dual), object);
  Pin(IID_ISupportErrorInfo, object);
  object->Release();
}

// Pins the object's IConnectionPointContainer, IEnumConnectionPoints and IConnectionPoint, through the
// object's own connection point.
void PinConnectionPoints(IUnknown* object) {
  IConnectionPointContainer* container = nullptr;
  if (FAILED(object->QueryInterface(IID_IConnectionPointContainer, reinterpret_cast<void**>(&container)))) return;
  Pin(IID_IConnectionPointContainer, container);
  IEnumConnectionPoints* points = nullptr;
  if (SUCCEEDED(container->EnumConnectionPoints(&points))) {
    Pin(IID_IEnumConnectionPoints, points);
    IConnectionPoint* point = nullptr;
    if (points->Next(1, &point, nullptr) == S_OK) {
      Pin(IID_IConnectionPoint, point);
      point->Release();
    }
    points->Release();
  }
  container->Release();
}

void PinTypeLibrary() {
  ITypeLib* library = EmbeddedTypeLib(nullptr);
  if (library == nullptr) return;
  ITypeInfo* info = nullptr;
  if (SUCCEEDED(library->GetTypeInfo(0, &info))) Pin(IID_ITypeInfo, info);
  Pin(IID_ITypeLib, library);
}

}  // namespace

// Wine: combase registers an RPC interface for an IID while any stub of that IID lives in a process; when
// the last goes (a client's RemRelease), it unregisters it with RpcServerUnregisterIf, waiting for the
// calls in progress on it, while it holds the lock that marshaling any object takes. Two ways that has
// locked the server up for good, in the stress campaign:
// - a client released its last ITypeInfo while another client's GetTypeInfo marshaled one (RemRelease ->
//   rpc_unregister_interface waiting, the other call in rpc_register_interface waiting on it);
// - rpcrt4 answers a call before it stops counting it, and updates that count and its "calls completed"
//   event under no common lock, so a release right after a call on the same interface can miss the
//   wake-up and wait forever (late_release.cc, where the server is the one releasing). A client ending a
//   subscription does just that: Unadvise, then the release of the connection point; and so does one
//   letting go of a class object right after CreateInstance (the full campaign's backtraces named
//   IID_IClassFactory: the registration's own stub goes when the class objects are revoked to exit).
// Windows has neither. One stub of every interface clients call, kept, keeps those registrations for the
// life of the process. No client can reach the pinned objects (their marshaled streams are never read;
// the VM is a removed one, the task finished), and they do not hold the process (server_lifetime.h).
void PinStubs() {
  PinTypeLibrary();
  static ClassFactory unregistered([]() -> IUnknown* { return NewControlObject(); });  // reachable by nobody
  Pin(IID_IClassFactory, &unregistered);
  IVMVirtualServer* server = NewVirtualServerObject();
  PinConnectionPoints(server);
  PinDispatchObject(server);

  auto hidden = std::make_shared<VirtualMachineRecord>();
  hidden->removed = true;
  hidden->sinks = std::make_shared<SinkList>(VSSIM_IID_VM_EVENTS);
  IVMVirtualMachine* vm = NewVirtualMachineObject(hidden);
  PinConnectionPoints(vm);
  PinDispatchObject(vm);

  IVMVirtualMachineCollection* collection = NewVirtualMachineCollection({});
  IUnknown* enumerator = nullptr;
  if (SUCCEEDED(collection->get__NewEnum(&enumerator)) && enumerator != nullptr) {
    Pin(IID_IEnumVARIANT, enumerator);
    enumerator->Release();
  }
  PinDispatchObject(collection);

  auto finished = std::make_shared<TaskProgress>(L"pinned", 1);
  SetEvent(finished->completed);
  PinDispatchObject(NewTaskObject(finished));
  PinDispatchObject(NewControlObject());
  ReleaseObjectsFromServerLifetime();
}
