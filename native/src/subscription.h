// One advised sink on one object's connection point. Advise at start, on the connection's worker;
// Close() (close, overflow, garbage collection, env teardown) unadvises there, within the call
// deadline. The connection's liveness probe (host_prober.h) ends the subscription with
// ERR_VS_DISCONNECTED when the server died, became unreachable, disconnected the object, failed several
// probes in a row, or did not answer one within the probe timeout (the connection is then unresponsive,
// and the error's cause says so). A lost subscription is cut off locally (CoDisconnectObject on the
// sink): no remote call, which a lost host would make wait.
#pragma once
#include <ocidl.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "com_object.h"
#include "delivery.h"
#include "event_schema.h"
#include "live_count.h"
#include "value.h"

namespace vse {

struct SubscribeRequest {
  std::wstring iid;  // empty: the object's first source interface
  std::chrono::milliseconds probeInterval{5000};
  std::chrono::milliseconds probeTimeout{5000};
  struct Answer {
    std::wstring method, param;
    std::shared_ptr<Value> value;
  };
  std::vector<Answer> answers;
};

class Subscription : public std::enable_shared_from_this<Subscription> {
 public:
  // The connection's worker: describes the source interface, builds the sink, advises it and starts
  // probing. Throws ComFailure with a message naming what could not be done.
  static std::shared_ptr<Subscription> Start(std::shared_ptr<ComObject> source, const SubscribeRequest& request,
                                             std::shared_ptr<Delivery> delivery);

  Subscription() = default;
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;
  // Dropped while still advised: its subscribe() never reached JS (the call timed out after the advise,
  // or the env went away meanwhile). It unadvises, and lets go of its delivery's JS callbacks.
  ~Subscription();

  const std::shared_ptr<const EventInterface>& schema() const { return schema_; }
  // Any thread: its connection, or null once it ended.
  std::shared_ptr<HostConnection> Host();

  // Any thread, once (later calls and Lose() do nothing): Unadvise on the worker, then end the delivery
  // without error. On an unresponsive connection, or past the call deadline, the sink is cut off instead.
  void Close();

 private:
  // Any thread but the JS thread: ends with `error`, the sink cut off locally.
  void Lose(ComError error);
  // Claims the end; false when it was claimed before.
  bool BeginEnd();
  void CutOff();
  void Finish(std::optional<ComError> error);
  // The prober thread: the connection's probe failed.
  void OnProbeFailure(HRESULT hr, int failuresInRow);

  std::shared_ptr<ComObject> source_;
  std::shared_ptr<HostConnection> host_;
  std::shared_ptr<const EventInterface> schema_;
  std::shared_ptr<Delivery> delivery_;
  ComRef<IConnectionPoint> point_;
  ComRef<IUnknown> sink_;  // local: CoDisconnectObject cuts the server off it
  DWORD cookie_ = 0;
  int lossListener_ = 0;
  int probeSubscriber_ = 0;  // its id with the connection's HostProber

  std::mutex mutex_;
  bool advised_ = false;
  bool ending_ = false;
  LiveCount<Subscription> live_;
};

}  // namespace vse
