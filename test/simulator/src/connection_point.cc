#include "connection_point.h"

#include "call_latency.h"

namespace {

class ConnectionPointObject : public ComObject<IConnectionPoint> {
 public:
  ConnectionPointObject(std::shared_ptr<SinkList> sinks, IConnectionPointContainer* container)
      : sinks_(std::move(sinks)), container_(container) {
    container_->AddRef();
  }
  ~ConnectionPointObject() override { container_->Release(); }

  STDMETHODIMP GetConnectionInterface(IID* iid) override {
    if (iid == nullptr) return E_POINTER;
    *iid = sinks_->EventInterface();
    return S_OK;
  }
  STDMETHODIMP GetConnectionPointContainer(IConnectionPointContainer** container) override {
    if (container == nullptr) return E_POINTER;
    container_->AddRef();
    *container = container_;
    return S_OK;
  }
  STDMETHODIMP Advise(IUnknown* sink, DWORD* cookie) override {
    AnswerTimedCall(TimedCall::Advise);
    return sinks_->Advise(sink, cookie);
  }
  STDMETHODIMP Unadvise(DWORD cookie) override { return sinks_->Unadvise(cookie); }
  STDMETHODIMP EnumConnections(IEnumConnections** connections) override {
    if (connections != nullptr) *connections = nullptr;
    return E_NOTIMPL;  // allowed by IConnectionPoint's contract
  }

 private:
  std::shared_ptr<SinkList> sinks_;
  IConnectionPointContainer* container_;
};

// Enumerates the single connection point of a source.
class SingleConnectionPointEnum : public ComObject<IEnumConnectionPoints> {
 public:
  SingleConnectionPointEnum(std::shared_ptr<SinkList> sinks, IConnectionPointContainer* container, ULONG position)
      : sinks_(std::move(sinks)), container_(container), position_(position) {
    container_->AddRef();
  }
  ~SingleConnectionPointEnum() override { container_->Release(); }

  STDMETHODIMP Next(ULONG count, IConnectionPoint** points, ULONG* fetched) override {
    if (points == nullptr || (count > 1 && fetched == nullptr)) return E_POINTER;
    ULONG got = 0;
    if (count > 0 && position_ == 0) {
      points[0] = new ConnectionPointObject(sinks_, container_);
      position_ = 1;
      got = 1;
    }
    if (fetched != nullptr) *fetched = got;
    return got == count ? S_OK : S_FALSE;
  }
  STDMETHODIMP Skip(ULONG count) override {
    const bool enough = position_ + count <= 1;
    position_ = enough ? position_ + count : 1;
    return enough ? S_OK : S_FALSE;
  }
  STDMETHODIMP Reset() override {
    position_ = 0;
    return S_OK;
  }
  STDMETHODIMP Clone(IEnumConnectionPoints** clone) override {
    if (clone == nullptr) return E_POINTER;
    *clone = new SingleConnectionPointEnum(sinks_, container_, position_);
    return S_OK;
  }

 private:
  std::shared_ptr<SinkList> sinks_;
  IConnectionPointContainer* container_;
  ULONG position_;
};

}  // namespace

HRESULT FindSinkConnectionPoint(const std::shared_ptr<SinkList>& sinks, IConnectionPointContainer* container,
                                REFIID iid, IConnectionPoint** point) {
  if (point == nullptr) return E_POINTER;
  *point = nullptr;
  if (iid != sinks->EventInterface()) return CONNECT_E_NOCONNECTION;
  *point = new ConnectionPointObject(sinks, container);
  return S_OK;
}

HRESULT EnumSinkConnectionPoints(const std::shared_ptr<SinkList>& sinks, IConnectionPointContainer* container,
                                 IEnumConnectionPoints** points) {
  if (points == nullptr) return E_POINTER;
  *points = new SingleConnectionPointEnum(sinks, container, 0);
  return S_OK;
}
