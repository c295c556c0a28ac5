// One advised sink on one object's connection point, on the COM thread: Advise at start, Unadvise on
// Stop (close, overflow, garbage collection, env teardown), and a liveness probe that ends the
// subscription with ERR_VS_DISCONNECTED when the server died or became unreachable. The probe's call
// runs on ComThread::Probes(), so that an unreachable host stalls no other call; its answer comes back here.
#pragma once
#include <ocidl.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "com_object.h"
#include "delivery.h"
#include "event_schema.h"
#include "value.h"

namespace vse {

struct SubscribeRequest {
  std::wstring iid;  // empty: the object's first source interface
  std::chrono::milliseconds probeInterval{5000};
  struct Answer {
    std::wstring method, param;
    std::shared_ptr<Value> value;
  };
  std::vector<Answer> answers;
};

class Subscription : public std::enable_shared_from_this<Subscription> {
 public:
  // COM thread: describes the source interface, builds the sink, advises it and starts probing.
  // Throws ComFailure with a message naming what could not be done.
  static std::shared_ptr<Subscription> Start(std::shared_ptr<ComObject> source, const SubscribeRequest& request,
                                             std::shared_ptr<Delivery> delivery);

  Subscription() = default;
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;
  // Dropped while still advised (its subscribe() never reached JS: the env went away meanwhile).
  ~Subscription();

  const std::shared_ptr<const EventInterface>& schema() const { return schema_; }

  // Any thread: Unadvise (once) on the COM thread, then end the delivery with `error` (none: closed).
  void Stop(std::optional<ComError> error);

 private:
  void StopOnComThread(std::optional<ComError> error);
  void ScheduleProbe();
  void Probe();
  void OnProbeAnswer(HRESULT hr);

  std::shared_ptr<ComObject> source_;
  std::shared_ptr<const EventInterface> schema_;
  std::shared_ptr<Delivery> delivery_;
  std::chrono::milliseconds probeInterval_{5000};
  // COM thread only:
  ComRef<IConnectionPoint> point_;
  DWORD cookie_ = 0;
  bool advised_ = false;
};

}  // namespace vse
