#include "subscription.h"

#include <ocidl.h>

#include "com_thread.h"
#include "event_sink.h"
#include "hresult.h"
#include "text.h"

namespace vse {
namespace {

// Probes failing with anything but a disconnection (access denied after a password change, a security
// package error, an object the server no longer knows) end the subscription after this many in a row.
constexpr int kProbeFailuresToEnd = 3;

std::string InterfaceList(const std::vector<EventInterface>& interfaces) {
  std::string list;
  for (const EventInterface& item : interfaces) {
    list += (list.empty() ? "" : ", ") + Utf8FromWide(item.name) + " " + GuidToString(item.iid);
  }
  return list;
}

EventInterface ChooseInterface(std::vector<EventInterface> interfaces, const std::wstring& iidText) {
  if (iidText.empty()) return std::move(interfaces.front());
  IID iid;
  if (FAILED(IIDFromString(iidText.c_str(), &iid))) {
    ThrowComError("ERR_INVALID_ARG_VALUE", "options.iid '" + Utf8FromWide(iidText) + "' is not an IID");
  }
  for (EventInterface& item : interfaces) {
    if (IsEqualIID(item.iid, iid)) return std::move(item);
  }
  ThrowComError(error_code::kEventsUnavailable, "the object has no connection point for " + Utf8FromWide(iidText) +
                                                    "; its source interfaces are: " + InterfaceList(interfaces));
}

// Names -> indices, each checked against the interface; the values become VARIANTs here, on the COM thread.
std::vector<OutAnswer> ResolveAnswers(const EventInterface& schema, const SubscribeRequest& request) {
  std::vector<OutAnswer> answers;
  for (const SubscribeRequest::Answer& answer : request.answers) {
    const EventMethod* method = nullptr;
    for (const EventMethod& candidate : schema.methods) {
      if (candidate.name == answer.method) method = &candidate;
    }
    if (method == nullptr) {
      ThrowComError("ERR_INVALID_ARG_VALUE", "options.outAnswers names method " + Utf8FromWide(answer.method) +
                                                 ", which " + Utf8FromWide(schema.name) + " does not have");
    }
    const EventParam* param = nullptr;
    for (const EventParam& candidate : method->params) {
      if (candidate.name == answer.param && candidate.direction != EventParam::Direction::In) param = &candidate;
    }
    if (param == nullptr) {
      ThrowComError("ERR_INVALID_ARG_VALUE", "options.outAnswers." + Utf8FromWide(answer.method) + " names " +
                                                 Utf8FromWide(answer.param) + ", which is not an [out] parameter of " +
                                                 Utf8FromWide(schema.name) + "." + Utf8FromWide(method->name));
    }
    auto value = std::make_shared<Variant>();
    VariantFromValue(*answer.value, value->get());
    answers.push_back({static_cast<size_t>(method - schema.methods.data()),
                       static_cast<size_t>(param - method->params.data()), value});
  }
  return answers;
}

}  // namespace

std::shared_ptr<Subscription> Subscription::Start(std::shared_ptr<ComObject> source, const SubscribeRequest& request,
                                                  std::shared_ptr<Delivery> delivery) {
  auto schema = std::make_shared<const EventInterface>(ChooseInterface(DescribeEvents(*source), request.iid));
  std::vector<OutAnswer> answers = ResolveAnswers(*schema, request);
  delivery->KeepSchema(schema);
  ComRef<IUnknown> sink = CreateEventSink(schema, answers, delivery, source->host);

  auto container = source->dispatch.Query<IConnectionPointContainer>(IID_IConnectionPointContainer);
  source->host->security().Apply(container.get());
  ComRef<IConnectionPoint> point;
  HRESULT hr = container ? container->FindConnectionPoint(schema->iid, point.out()) : E_NOINTERFACE;
  std::string what = Utf8FromWide(schema->name) + " " + GuidToString(schema->iid);
  if (FAILED(hr)) ThrowHresult(hr, "finding the connection point of " + what);
  source->host->security().Apply(point.get());
  DWORD cookie = 0;
  hr = point->Advise(sink.get(), &cookie);
  if (FAILED(hr)) ThrowHresult(hr, "advising a sink for " + what);

  auto subscription = std::make_shared<Subscription>();
  subscription->host_ = source->host;
  ComRef<IDispatch> probeTarget = ComRef<IDispatch>::Share(source->dispatch.get(), source->host->prober());
  subscription->source_ = std::move(source);
  subscription->schema_ = std::move(schema);
  subscription->delivery_ = std::move(delivery);
  subscription->point_ = std::move(point);
  subscription->sink_ = std::move(sink);
  subscription->cookie_ = cookie;
  subscription->advised_ = true;
  std::weak_ptr<Subscription> weak = subscription;
  subscription->probeSubscriber_ = subscription->host_->Liveness().Add(
      std::move(probeTarget), request.probeInterval, request.probeTimeout, [weak](HRESULT hr, int failuresInRow) {
        if (std::shared_ptr<Subscription> self = weak.lock()) self->OnProbeFailure(hr, failuresInRow);
      });
  // After the probe: a connection already unresponsive ends the subscription at once, probe included.
  subscription->lossListener_ = subscription->host_->AddLossListener([weak](const ComError& unresponsive) {
    std::shared_ptr<Subscription> self = weak.lock();
    if (!self) return;
    ComError error;
    error.code = error_code::kDisconnected;
    error.message = "the events of " + Utf8FromWide(self->schema_->name) + " stopped: " + unresponsive.message;
    error.cause = std::make_shared<const ComError>(unresponsive);
    self->Lose(std::move(error));
  });
  return subscription;
}

Subscription::~Subscription() {
  if (!advised_ || ending_) return;
  // Nobody can reach this subscription any more, so nobody else will unadvise it; nobody waits for it either.
  std::shared_ptr<HostConnection> host = host_;  // goes last: the releases below need its credentials
  host->RemoveLossListener(lossListener_);
  host->Liveness().Remove(probeSubscriber_);
  auto point = std::make_shared<ComRef<IConnectionPoint>>(std::move(point_));
  DWORD cookie = cookie_;
  host->worker()->Post([point, cookie] { (*point)->Unadvise(cookie); });
  // Its onEvents/onEnd would otherwise stay referenced (and with them the JS stream) until env teardown.
  delivery_->Discard();
}

std::shared_ptr<HostConnection> Subscription::Host() {
  std::lock_guard<std::mutex> lock(mutex_);
  return host_;
}

bool Subscription::BeginEnd() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (ending_) return false;
  ending_ = true;
  return true;
}

void Subscription::Close() {
  if (!BeginEnd()) return;
  std::shared_ptr<Subscription> self = shared_from_this();
  host_->Call(
      [self]() -> HostConnection::Outcome {
        self->point_->Unadvise(self->cookie_);  // fails harmlessly when the server is gone
        return [self] { self->Finish(std::nullopt); };
      },
      [self](const ComError&) {
        // This may run on the JS thread (the connection was already unresponsive), which is in no
        // apartment: CoDisconnectObject needs one.
        ComThread::Local().Post([self] {
          self->CutOff();
          self->Finish(std::nullopt);
        });
      });
}

void Subscription::Lose(ComError error) {
  if (!BeginEnd()) return;
  CutOff();
  Finish(std::move(error));
}

void Subscription::CutOff() {
  // Local: the server's later calls into the sink fail, and it drops the sink by itself.
  CoDisconnectObject(sink_.get(), 0);
}

void Subscription::Finish(std::optional<ComError> error) {
  host_->RemoveLossListener(lossListener_);
  host_->Liveness().Remove(probeSubscriber_);
  // An ended subscription holds nothing of its connection: its JS handle may live on until a garbage
  // collection, and would otherwise keep the connection's threads from returning to the pool.
  // `host` is declared first so that it goes last: the proxies' releases are queued before the
  // connection (and its credentials) can go.
  std::shared_ptr<HostConnection> host;
  ComRef<IConnectionPoint> point;
  ComRef<IUnknown> sink;
  std::shared_ptr<ComObject> source;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    host = std::move(host_);
    point = std::move(point_);
    sink = std::move(sink_);
    source = std::move(source_);
  }
  delivery_->End(std::move(error));
}

void Subscription::OnProbeFailure(HRESULT hr, int failuresInRow) {
  bool lost = IsDisconnection(hr);
  if (!lost && failuresInRow < kProbeFailuresToEnd) return;
  ComError error = ErrorFromHresult(hr, "probing the server of " + Utf8FromWide(schema_->name) + " events");
  error.code = error_code::kDisconnected;
  if (!lost) {
    error.message += " (" + std::to_string(kProbeFailuresToEnd) +
                     " probes in a row failed, so the events can no longer be trusted to arrive)";
  }
  Lose(std::move(error));
}

}  // namespace vse
