// IVMVirtualServer: the VirtualServer.Application object, source of IVMVirtualServerEvents.
#include "connection_point.h"
#include "dispatch_object.h"
#include "errors.h"
#include "objects.h"

namespace {

class VirtualServerObject : public DispatchObject<IVMVirtualServer, IConnectionPointContainer> {
 public:
  STDMETHODIMP get_Name(BSTR* name) override { return Text(L"Virtual Server (simulated)", name); }
  STDMETHODIMP get_Version(BSTR* version) override { return Text(L"1.1.603.0 EE R2 SP1 (simulated)", version); }
  STDMETHODIMP FindVirtualMachine(BSTR name, IVMVirtualMachine** vm) override {
    if (vm == nullptr) return E_POINTER;
    *vm = nullptr;
    if (name == nullptr) {
      return ReportError(E_POINTER, IID_IVMVirtualServer, L"FindVirtualMachine needs a virtual machine name");
    }
    VmPtr found = World::Instance().Find(std::wstring(name, SysStringLen(name)));
    if (!found) return S_FALSE;  // documented: not an error, and no object
    *vm = NewVirtualMachineObject(found);
    return S_OK;
  }
  STDMETHODIMP get_VirtualMachines(IVMVirtualMachineCollection** collection) override {
    if (collection == nullptr) return E_POINTER;
    *collection = NewVirtualMachineCollection(World::Instance().All());
    return S_OK;
  }

  STDMETHODIMP FindConnectionPoint(REFIID iid, IConnectionPoint** point) override {
    return FindSinkConnectionPoint(World::Instance().ServerSinks(), this, iid, point);
  }
  STDMETHODIMP EnumConnectionPoints(IEnumConnectionPoints** points) override {
    return EnumSinkConnectionPoints(World::Instance().ServerSinks(), this, points);
  }

 private:
  static HRESULT Text(const wchar_t* text, BSTR* out) {
    if (out == nullptr) return E_POINTER;
    *out = SysAllocString(text);
    return S_OK;
  }
};

}  // namespace

IVMVirtualServer* NewVirtualServerObject() { return new VirtualServerObject(); }
