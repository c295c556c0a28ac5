// IVMTask: the progress of a Startup/TurnOff/Save/Reset (ivmtask.md).
#include "dispatch_object.h"
#include "errors.h"
#include "objects.h"

namespace {

class TaskObject : public DispatchObject<IVMTask> {
 public:
  explicit TaskObject(TaskPtr progress) : progress_(std::move(progress)) {}

  STDMETHODIMP get_Description(BSTR* text) override { return Text(progress_->description, text); }
  STDMETHODIMP get_ID(BSTR* id) override { return Text(progress_->id, id); }
  STDMETHODIMP get_IsCancelable(VARIANT_BOOL* cancelable) override {
    if (cancelable == nullptr) return E_POINTER;
    *cancelable = VARIANT_FALSE;
    return S_OK;
  }
  STDMETHODIMP get_IsComplete(VARIANT_BOOL* complete) override {
    if (complete == nullptr) return E_POINTER;
    *complete = Complete() ? VARIANT_TRUE : VARIANT_FALSE;
    return S_OK;
  }
  STDMETHODIMP get_PercentCompleted(long* percent) override {
    if (percent == nullptr) return E_POINTER;
    *percent = static_cast<long>(progress_->done * 100 / progress_->steps);
    return S_OK;
  }
  STDMETHODIMP get_Result(long* result) override {
    if (result == nullptr) return E_POINTER;
    *result = 0;  // vmTaskResult_Success (vmtaskresult.md): the simulator's tasks never fail
    return S_OK;
  }
  STDMETHODIMP Cancel() override {
    return ReportError(E_FAIL, IID_IVMTask, L"This task is not cancelable (IsCancelable is false)");
  }
  STDMETHODIMP WaitForCompletion(long timeout) override {
    if (timeout < -1) {
      return ReportError(E_POINTER, IID_IVMTask, L"WaitForCompletion's timeout must be -1 (infinite) or 0 or more ms");
    }
    WaitForSingleObject(progress_->completed, timeout == -1 ? INFINITE : static_cast<DWORD>(timeout));
    return S_OK;
  }

 private:
  bool Complete() const { return WaitForSingleObject(progress_->completed, 0) == WAIT_OBJECT_0; }
  static HRESULT Text(const std::wstring& text, BSTR* out) {
    if (out == nullptr) return E_POINTER;
    *out = SysAllocString(text.c_str());
    return S_OK;
  }

  TaskPtr progress_;
};

}  // namespace

IVMTask* NewTaskObject(TaskPtr progress) { return new TaskObject(std::move(progress)); }
