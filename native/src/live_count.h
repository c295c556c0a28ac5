// How many objects of a kind are alive in the process: a member of that kind counts it, so that tests
// and bug reports can tell a leak of the addon's own objects (one per connection, say) exactly, however
// noisy the process's memory is (diagnostics()).
#pragma once
#include <atomic>
#include <cstddef>

namespace vse {

template <typename Kind>
class LiveCount {
 public:
  LiveCount() { ++count_; }
  LiveCount(const LiveCount&) { ++count_; }
  LiveCount& operator=(const LiveCount&) = default;
  ~LiveCount() { --count_; }
  static size_t Now() { return count_; }

 private:
  static std::atomic<size_t> count_;
};

template <typename Kind>
std::atomic<size_t> LiveCount<Kind>::count_{0};

}  // namespace vse
