// IVMVirtualMachineCollection (Count, 1-based Item, _NewEnum) over a snapshot of the VMs.
#include <atomic>

#include "dispatch_object.h"
#include "errors.h"
#include "objects.h"

namespace {

std::atomic<bool> g_endlessEnumerator{false};

// What a broken server's enumerator does: fills every Next() with numbers, S_OK, for ever.
class EndlessEnum : public ComObject<IEnumVARIANT> {
 public:
  STDMETHODIMP Next(ULONG count, VARIANT* items, ULONG* fetched) override {
    if (items == nullptr) return E_POINTER;
    for (ULONG i = 0; i < count; ++i) {
      VariantInit(&items[i]);
      V_VT(&items[i]) = VT_I4;
      V_I4(&items[i]) = static_cast<LONG>(++next_);
    }
    if (fetched != nullptr) *fetched = count;
    return S_OK;
  }
  STDMETHODIMP Skip(ULONG) override { return S_OK; }
  STDMETHODIMP Reset() override { return S_OK; }
  STDMETHODIMP Clone(IEnumVARIANT** clone) override {
    if (clone == nullptr) return E_POINTER;
    *clone = new EndlessEnum();
    return S_OK;
  }

 private:
  ULONG next_ = 0;
};

class VirtualMachineEnum : public ComObject<IEnumVARIANT> {
 public:
  VirtualMachineEnum(std::shared_ptr<const std::vector<VmPtr>> vms, ULONG position)
      : vms_(std::move(vms)), position_(position) {}

  STDMETHODIMP Next(ULONG count, VARIANT* items, ULONG* fetched) override {
    if (items == nullptr) return E_POINTER;
    ULONG got = 0;
    for (; got < count && position_ < vms_->size(); ++got, ++position_) {
      VariantInit(&items[got]);
      V_VT(&items[got]) = VT_DISPATCH;
      V_DISPATCH(&items[got]) = NewVirtualMachineObject((*vms_)[position_]);
    }
    if (fetched != nullptr) *fetched = got;
    return got == count ? S_OK : S_FALSE;
  }
  STDMETHODIMP Skip(ULONG count) override {
    position_ += count;
    if (position_ <= vms_->size()) return S_OK;
    position_ = static_cast<ULONG>(vms_->size());
    return S_FALSE;
  }
  STDMETHODIMP Reset() override {
    position_ = 0;
    return S_OK;
  }
  STDMETHODIMP Clone(IEnumVARIANT** clone) override {
    if (clone == nullptr) return E_POINTER;
    *clone = new VirtualMachineEnum(vms_, position_);
    return S_OK;
  }

 private:
  std::shared_ptr<const std::vector<VmPtr>> vms_;
  ULONG position_;
};

class VirtualMachineCollection : public DispatchObject<IVMVirtualMachineCollection> {
 public:
  explicit VirtualMachineCollection(std::vector<VmPtr> vms)
      : vms_(std::make_shared<const std::vector<VmPtr>>(std::move(vms))) {}

  STDMETHODIMP get_Count(long* count) override {
    if (count == nullptr) return E_POINTER;
    *count = static_cast<long>(vms_->size());
    return S_OK;
  }
  STDMETHODIMP get_Item(long index, IVMVirtualMachine** vm) override {
    if (vm == nullptr) return E_POINTER;
    *vm = nullptr;
    if (index < 1 || index > static_cast<long>(vms_->size())) {
      return ReportError(DISP_E_BADINDEX, IID_IVMVirtualMachineCollection,
                         L"Item(" + std::to_wstring(index) + L"): the index is 1-based and the collection holds " +
                             std::to_wstring(vms_->size()) + L" virtual machines");
    }
    *vm = NewVirtualMachineObject((*vms_)[index - 1]);
    return S_OK;
  }
  STDMETHODIMP get__NewEnum(IUnknown** enumerator) override {
    if (enumerator == nullptr) return E_POINTER;
    *enumerator = g_endlessEnumerator ? static_cast<IEnumVARIANT*>(new EndlessEnum())
                                      : static_cast<IEnumVARIANT*>(new VirtualMachineEnum(vms_, 0));
    return S_OK;
  }

 private:
  std::shared_ptr<const std::vector<VmPtr>> vms_;
};

}  // namespace

IVMVirtualMachineCollection* NewVirtualMachineCollection(std::vector<VmPtr> vms) {
  return new VirtualMachineCollection(std::move(vms));
}

void SetEndlessEnumerator(bool endless) { g_endlessEnumerator = endless; }

bool EndlessEnumerator() { return g_endlessEnumerator; }
