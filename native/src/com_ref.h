// An owning COM interface pointer that may be dropped on any thread: the Release runs on the COM thread.
// Move-only, so that ownership is explicit when values travel between the COM thread and the JS thread.
#pragma once
#include <utility>

#include "com_thread.h"

namespace vse {

template <typename Interface>
class ComRef {
 public:
  ComRef() = default;
  // Takes over a reference the caller owns (an out-parameter's, or one it AddRef'd).
  static ComRef Adopt(Interface* pointer) { return ComRef(pointer); }
  // Adds a reference of its own; COM thread only.
  static ComRef Share(Interface* pointer) {
    if (pointer != nullptr) pointer->AddRef();
    return ComRef(pointer);
  }
  ComRef(ComRef&& other) noexcept : pointer_(std::exchange(other.pointer_, nullptr)) {}
  ComRef& operator=(ComRef&& other) noexcept {
    if (this != &other) {
      Reset();
      pointer_ = std::exchange(other.pointer_, nullptr);
    }
    return *this;
  }
  ComRef(const ComRef&) = delete;
  ComRef& operator=(const ComRef&) = delete;
  ~ComRef() { Reset(); }

  void Reset() { ComThread::Release(std::exchange(pointer_, nullptr)); }
  Interface* get() const { return pointer_; }
  Interface* operator->() const { return pointer_; }
  explicit operator bool() const { return pointer_ != nullptr; }
  // For out-parameters: releases what it held and gives the slot.
  Interface** out() {
    Reset();
    return &pointer_;
  }

  // QueryInterface on the COM thread; empty when the object does not have the interface.
  template <typename Other>
  ComRef<Other> Query(REFIID iid) const {
    ComRef<Other> result;
    if (pointer_ != nullptr) pointer_->QueryInterface(iid, reinterpret_cast<void**>(result.out()));
    return result;
  }

 private:
  explicit ComRef(Interface* pointer) : pointer_(pointer) {}
  Interface* pointer_ = nullptr;
};

}  // namespace vse
