// An owning COM interface pointer that may be dropped on any thread. Its Release runs on its home: the
// COM thread it was made on (a proxy's Release may be a remote call, which must never run on the JS
// thread nor on the local thread), or in place for a local object made with no home.
// Move-only, so that ownership is explicit when values travel between COM threads and the JS thread.
#pragma once
#include <memory>
#include <utility>

#include "com_thread.h"

namespace vse {

template <typename Interface>
class ComRef {
 public:
  ComRef() : home_(ComThread::Current()) {}
  // Takes over a reference the caller owns (an out-parameter's, or one it AddRef'd).
  static ComRef Adopt(Interface* pointer, std::shared_ptr<ComThread> home = ComThread::Current()) {
    return ComRef(pointer, std::move(home));
  }
  // Adds a reference of its own.
  static ComRef Share(Interface* pointer, std::shared_ptr<ComThread> home = ComThread::Current()) {
    if (pointer != nullptr) pointer->AddRef();
    return ComRef(pointer, std::move(home));
  }
  ComRef(ComRef&& other) noexcept : pointer_(std::exchange(other.pointer_, nullptr)), home_(std::move(other.home_)) {}
  ComRef& operator=(ComRef&& other) noexcept {
    if (this != &other) {
      Reset();
      pointer_ = std::exchange(other.pointer_, nullptr);
      home_ = std::move(other.home_);
    }
    return *this;
  }
  ComRef(const ComRef&) = delete;
  ComRef& operator=(const ComRef&) = delete;
  ~ComRef() { Reset(); }

  void Reset() {
    Interface* pointer = std::exchange(pointer_, nullptr);
    if (pointer == nullptr) return;
    if (!home_ || home_->IsCurrentThread()) {
      pointer->Release();
    } else {
      home_->Post([pointer] { pointer->Release(); });
    }
  }
  Interface* get() const { return pointer_; }
  Interface* operator->() const { return pointer_; }
  explicit operator bool() const { return pointer_ != nullptr; }
  // For out-parameters, on the COM thread that becomes its home: releases what it held and gives the slot.
  Interface** out() {
    Reset();
    home_ = ComThread::Current();
    return &pointer_;
  }

  // QueryInterface; empty when the object does not have the interface.
  template <typename Other>
  ComRef<Other> Query(REFIID iid) const {
    Other* found = nullptr;
    if (pointer_ != nullptr && FAILED(pointer_->QueryInterface(iid, reinterpret_cast<void**>(&found)))) found = nullptr;
    return ComRef<Other>::Adopt(found, home_);
  }

 private:
  ComRef(Interface* pointer, std::shared_ptr<ComThread> home) : pointer_(pointer), home_(std::move(home)) {}
  Interface* pointer_ = nullptr;
  std::shared_ptr<ComThread> home_;
};

}  // namespace vse
