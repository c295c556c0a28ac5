#include "subscription.h"

#include <ocidl.h>

#include "com_thread.h"
#include "event_sink.h"
#include "hresult.h"
#include "text.h"

namespace vse {
namespace {

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
  ComRef<IUnknown> sink = CreateEventSink(schema, answers, delivery, source->security);

  auto container = source->dispatch.Query<IConnectionPointContainer>(IID_IConnectionPointContainer);
  if (source->security) source->security->Apply(container.get());
  ComRef<IConnectionPoint> point;
  HRESULT hr = container ? container->FindConnectionPoint(schema->iid, point.out()) : E_NOINTERFACE;
  std::string what = Utf8FromWide(schema->name) + " " + GuidToString(schema->iid);
  if (FAILED(hr)) ThrowHresult(hr, "finding the connection point of " + what);
  if (source->security) source->security->Apply(point.get());
  DWORD cookie = 0;
  hr = point->Advise(sink.get(), &cookie);
  if (FAILED(hr)) ThrowHresult(hr, "advising a sink for " + what);

  auto subscription = std::make_shared<Subscription>();
  subscription->source_ = std::move(source);
  subscription->schema_ = std::move(schema);
  subscription->delivery_ = std::move(delivery);
  subscription->probeInterval_ = request.probeInterval;
  subscription->point_ = std::move(point);
  subscription->cookie_ = cookie;
  subscription->advised_ = true;
  subscription->ScheduleProbe();
  return subscription;  // the connection point holds the sink now; our reference goes with `sink`
}

Subscription::~Subscription() {
  if (!advised_) return;
  // Nobody can reach this subscription any more, so nobody else will unadvise it.
  auto point = std::make_shared<ComRef<IConnectionPoint>>(std::move(point_));
  DWORD cookie = cookie_;
  ComThread::Get().Post([point, cookie] { (*point)->Unadvise(cookie); });
}

void Subscription::Stop(std::optional<ComError> error) {
  std::shared_ptr<Subscription> self = shared_from_this();
  ComThread::Get().Post([self, error] { self->StopOnComThread(error); });
}

void Subscription::StopOnComThread(std::optional<ComError> error) {
  if (advised_) {
    advised_ = false;
    point_->Unadvise(cookie_);  // fails harmlessly when the server is gone
    point_.Reset();
  }
  delivery_->End(std::move(error));
}

void Subscription::ScheduleProbe() {
  std::weak_ptr<Subscription> weak = shared_from_this();
  ComThread::Get().PostAt(ComThread::Clock::now() + probeInterval_, [weak] {
    if (std::shared_ptr<Subscription> self = weak.lock()) self->Probe();
  });
}

void Subscription::Probe() {
  if (!advised_) return;
  if (!source_->dispatch) {  // its env went away while subscribe() was in flight: nobody listens
    StopOnComThread(std::nullopt);
    return;
  }
  auto target = std::make_shared<ComRef<IDispatch>>(ComRef<IDispatch>::Share(source_->dispatch.get()));
  std::weak_ptr<Subscription> weak = shared_from_this();
  ComThread::Probes().Post([target, weak] {
    // A round trip to the server: proxies answer it remotely, so a dead server shows here.
    UINT count = 0;
    HRESULT hr = (*target)->GetTypeInfoCount(&count);
    ComThread::Get().Post([weak, hr] {
      if (std::shared_ptr<Subscription> self = weak.lock()) self->OnProbeAnswer(hr);
    });
  });
}

void Subscription::OnProbeAnswer(HRESULT hr) {
  if (!advised_) return;
  if (FAILED(hr) && IsDisconnection(hr)) {
    ComError error = ErrorFromHresult(hr, "probing the server of " + Utf8FromWide(schema_->name) + " events");
    error.code = error_code::kDisconnected;
    StopOnComThread(std::move(error));
    return;
  }
  ScheduleProbe();
}

}  // namespace vse
