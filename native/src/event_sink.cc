#include "event_sink.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <chrono>

#include "hresult.h"
#include "text.h"
#include "vtable_thunks.h"

namespace vse {
namespace {

constexpr int kIUnknownSlots = 3;
constexpr int kIDispatchSlots = 7;

bool CanCopyIn(VARTYPE vt) {
  if (vt & VT_ARRAY) return true;  // SAFEARRAYs of any element type; unknown elements read as unsupported values
  switch (vt) {
    case VT_I1:
    case VT_UI1:
    case VT_I2:
    case VT_UI2:
    case VT_I4:
    case VT_UI4:
    case VT_INT:
    case VT_UINT:
    case VT_I8:
    case VT_UI8:
    case VT_R4:
    case VT_R8:
    case VT_CY:
    case VT_DATE:
    case VT_BSTR:
    case VT_BOOL:
    case VT_VARIANT:
    case VT_DECIMAL:
    case VT_ERROR:
    case VT_DISPATCH:
    case VT_UNKNOWN:
      return true;
    default:
      return false;
  }
}

bool CanAnswer(VARTYPE vt) {
  switch (vt) {
    case VT_I1:
    case VT_UI1:
    case VT_I2:
    case VT_UI2:
    case VT_I4:
    case VT_UI4:
    case VT_INT:
    case VT_UINT:
    case VT_I8:
    case VT_UI8:
    case VT_R4:
    case VT_R8:
    case VT_CY:
    case VT_DATE:
    case VT_BSTR:
    case VT_BOOL:
    case VT_VARIANT:
    case VT_ERROR:
      return true;
    default:
      return false;
  }
}

[[noreturn]] void Refuse(const EventInterface& schema, const EventMethod& method, const std::string& why) {
  ThrowComError(error_code::kEventsUnavailable, "cannot sink the events of " + Utf8FromWide(schema.name) + " " +
                                                    GuidToString(schema.iid) + ": its method " +
                                                    Utf8FromWide(method.name) + " " + why);
}

double NowMs() {
  using namespace std::chrono;
  return static_cast<double>(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

class EventSink : public ThunkTarget {
 public:
  EventSink(std::shared_ptr<const EventInterface> schema, std::shared_ptr<Delivery> delivery,
            std::shared_ptr<HostConnection> host)
      : schema_(std::move(schema)), delivery_(std::move(delivery)), host_(std::move(host)) {
    handler = &OnVtableCall;
  }

  // Builds the vtable and the per-method plans; throws when the interface cannot be sunk.
  void Plan(const std::vector<OutAnswer>& answers) {
    int slots = kIDispatchSlots;
    for (const EventMethod& method : schema_->methods) slots = std::max(slots, method.vtableSlot + 1);
    vtable_.assign(static_cast<size_t>(slots), reinterpret_cast<const void*>(&NotImplemented));
    const void* base[kIDispatchSlots] = {
        reinterpret_cast<const void*>(&QueryInterface), reinterpret_cast<const void*>(&AddRef),
        reinterpret_cast<const void*>(&Release),        reinterpret_cast<const void*>(&GetTypeInfoCount),
        reinterpret_cast<const void*>(&GetTypeInfo),    reinterpret_cast<const void*>(&GetIDsOfNames),
        reinterpret_cast<const void*>(&Invoke)};
    for (int i = 0; i < kIDispatchSlots; ++i) vtable_[static_cast<size_t>(i)] = base[i];
    slotMethod_.assign(vtable_.size(), kNoMethod);

    for (size_t index = 0; index < schema_->methods.size(); ++index) {
      const EventMethod& method = schema_->methods[index];
      MethodPlan plan;
      for (const EventParam& param : method.params) {
        plan.thunkParams.push_back({param.vt, param.byRef});
        if (param.direction == EventParam::Direction::In) {
          if (!CanCopyIn(param.vt))
            Refuse(*schema_, method,
                   "has a parameter " + Utf8FromWide(param.name) + " of type " + param.typeName +
                       ", which cannot be copied");
        } else {
          if (!param.byRef || !CanAnswer(param.vt)) {
            Refuse(*schema_, method,
                   "has an [out] parameter " + Utf8FromWide(param.name) + " of type " + param.typeName +
                       ", which the sink cannot answer");
          }
          auto value = std::make_shared<Variant>();
          if (param.vt == VT_BOOL) {
            value->get()->vt = VT_BOOL;
            value->get()->boolVal = VARIANT_TRUE;
          }
          plan.answers.push_back({static_cast<size_t>(&param - method.params.data()), value});
        }
      }
      plan.offsets = RawArgOffsets(plan.thunkParams);
      int slot = method.vtableSlot;
      if (schema_->kind == EventInterface::Kind::Vtable || slot >= kIDispatchSlots) {
        if (slot < kIUnknownSlots) Refuse(*schema_, method, "has no usable vtable slot in the type library");
        std::string why;
        const void* thunk = ThunkFor(slot, plan.thunkParams, &why);
        if (thunk == nullptr) Refuse(*schema_, method, why);
        vtable_[static_cast<size_t>(slot)] = thunk;
        if (slot < kIDispatchSlots) answersIDispatch_ = false;  // an IUnknown-derived interface owns slots 3..6
        slotMethod_[static_cast<size_t>(slot)] = index;
      }
      plans_.push_back(std::move(plan));
    }
    RefuseUnknownSlotsOnX86();
    for (const OutAnswer& answer : answers) {
      for (auto& planned : plans_[answer.method].answers) {
        if (planned.first == answer.param) planned.second = answer.value;
      }
    }
    vtable = vtable_.data();
  }

 private:
  static constexpr size_t kNoMethod = static_cast<size_t>(-1);

  struct MethodPlan {
    std::vector<ThunkParam> thunkParams;
    std::vector<size_t> offsets;
    std::vector<std::pair<size_t, std::shared_ptr<const Variant>>> answers;  // param index -> answer
  };

  static EventSink* Self(ThunkTarget* target) { return static_cast<EventSink*>(target); }

  // A __stdcall callee pops its caller's arguments, so on x86 a slot the type library gives no method
  // for (NotImplemented pops only `this`) would unbalance the caller's stack if ever called: refuse the
  // interface rather than risk it. x64 callers clean up after themselves, so gaps are harmless there.
  void RefuseUnknownSlotsOnX86() const {
    if (sizeof(void*) != 4) return;
    for (size_t slot = answersIDispatch_ ? kIDispatchSlots : kIUnknownSlots; slot < vtable_.size(); ++slot) {
      if (vtable_[slot] != reinterpret_cast<const void*>(&NotImplemented)) continue;
      ThrowComError(error_code::kEventsUnavailable, "cannot sink the events of " + Utf8FromWide(schema_->name) + " " +
                                                        GuidToString(schema_->iid) + ": its vtable slot " +
                                                        std::to_string(slot) + " has no method in the type library, " +
                                                        "which a 32-bit sink cannot stand in for");
    }
  }

  // `args[i]` is parameter i as a VARIANT (by reference for the vtable path), nullptr when not passed.
  void Deliver(size_t methodIndex, const std::vector<VARIANT*>& args) {
    const EventMethod& method = schema_->methods[methodIndex];
    EventRecord record;
    record.method = &method;
    record.time = NowMs();
    for (size_t i = 0; i < method.params.size(); ++i) {
      if (method.params[i].direction == EventParam::Direction::Out) continue;
      record.args.push_back(ReadArgument(args[i]));
    }
    for (const auto& answer : plans_[methodIndex].answers) {
      VARIANT* target = args[answer.first];
      if (target == nullptr || (target->vt & VT_BYREF) == 0) continue;
      try {
        StoreIntoByRef(**answer.second, target, method.params[answer.first].direction == EventParam::Direction::InOut);
        // Read back what the caller will see, after conversion to the parameter's type.
        record.answered.emplace_back(&method.params[answer.first], ValueFromVariant(*target, nullptr));
      } catch (const ComFailure& failure) {
        record.answered.emplace_back(&method.params[answer.first], UnsupportedValue(failure.error().message));
      }
    }
    delivery_->Push(std::move(record));
  }

  Value ReadArgument(const VARIANT* arg) {
    if (arg == nullptr) return Value();
    try {
      return ValueFromVariant(*arg, host_.lock());
    } catch (const ComFailure& failure) {
      return UnsupportedValue(failure.error().message);
    }
  }

  static Value UnsupportedValue(const std::string& why) {
    Value value;
    value.kind = Value::Kind::Unsupported;
    value.text.assign(why.begin(), why.end());
    return value;
  }

  // No C++ exception may cross into COM: an allocation failure is E_OUTOFMEMORY for the caller.
  static HRESULT OnVtableCall(ThunkTarget* target, int slot, const unsigned char* raw) {
    try {
      return HandleVtableCall(Self(target), slot, raw);
    } catch (...) {
      return E_OUTOFMEMORY;
    }
  }

  static HRESULT HandleVtableCall(EventSink* self, int slot, const unsigned char* raw) {
    size_t methodIndex = self->slotMethod_[static_cast<size_t>(slot)];
    if (methodIndex == kNoMethod) return E_NOTIMPL;
    const MethodPlan& plan = self->plans_[methodIndex];
    std::vector<VARIANT> views(plan.thunkParams.size());
    std::vector<VARIANT*> args(plan.thunkParams.size());
    for (size_t i = 0; i < plan.thunkParams.size(); ++i) {
      const ThunkParam& param = plan.thunkParams[i];
      const unsigned char* slotAddress = raw + plan.offsets[i];
      VARIANT& view = views[i];
      VariantInit(&view);
      // Every parameter is seen through a by-reference VARIANT pointing at where its value lies.
      view.vt = static_cast<VARTYPE>(VT_BYREF | param.vt);
      if (param.byRef || PassedByHiddenPointer(param)) {
        std::memcpy(&view.byref, slotAddress, sizeof(void*));
      } else {
        view.byref = const_cast<unsigned char*>(slotAddress);
      }
      args[i] = &view;
    }
    self->Deliver(methodIndex, args);
    return S_OK;
  }

  static HRESULT STDMETHODCALLTYPE QueryInterface(ThunkTarget* target, REFIID iid, void** result) {
    if (result == nullptr) return E_POINTER;
    EventSink* self = Self(target);
    if (iid == IID_IUnknown || iid == self->schema_->iid || (iid == IID_IDispatch && self->answersIDispatch_)) {
      *result = target;
      AddRef(target);
      return S_OK;
    }
    *result = nullptr;
    return E_NOINTERFACE;
  }
  static ULONG STDMETHODCALLTYPE AddRef(ThunkTarget* target) { return ++Self(target)->refs_; }
  static ULONG STDMETHODCALLTYPE Release(ThunkTarget* target) {
    ULONG left = --Self(target)->refs_;
    if (left == 0) delete Self(target);
    return left;
  }
  static HRESULT STDMETHODCALLTYPE GetTypeInfoCount(ThunkTarget*, UINT* count) {
    if (count == nullptr) return E_POINTER;
    *count = 0;
    return S_OK;
  }
  static HRESULT STDMETHODCALLTYPE GetTypeInfo(ThunkTarget*, UINT, LCID, ITypeInfo** info) {
    if (info != nullptr) *info = nullptr;
    return E_NOTIMPL;
  }
  static HRESULT STDMETHODCALLTYPE GetIDsOfNames(ThunkTarget* target, REFIID, LPOLESTR* names, UINT count, LCID,
                                                 DISPID* dispids) {
    if (names == nullptr || dispids == nullptr || count == 0) return E_INVALIDARG;
    for (UINT i = 0; i < count; ++i) dispids[i] = DISPID_UNKNOWN;
    for (const EventMethod& method : Self(target)->schema_->methods) {
      if (_wcsicmp(method.name.c_str(), names[0]) == 0) {
        dispids[0] = method.dispid;
        return count == 1 ? S_OK : DISP_E_UNKNOWNNAME;
      }
    }
    return DISP_E_UNKNOWNNAME;
  }
  static HRESULT STDMETHODCALLTYPE Invoke(ThunkTarget* target, DISPID dispid, REFIID, LCID, WORD, DISPPARAMS* params,
                                          VARIANT* result, EXCEPINFO*, UINT*) {
    try {
      return HandleInvoke(Self(target), dispid, params, result);
    } catch (...) {
      return E_OUTOFMEMORY;
    }
  }

  static HRESULT HandleInvoke(EventSink* self, DISPID dispid, DISPPARAMS* params, VARIANT* result) {
    const EventMethod* method = self->schema_->FindByDispid(dispid);
    if (method == nullptr) return DISP_E_MEMBERNOTFOUND;
    if (result != nullptr) VariantInit(result);
    // DISPPARAMS lists positional arguments last to first; named ones carry their parameter index.
    std::vector<VARIANT*> args(method->params.size(), nullptr);
    UINT count = params != nullptr ? params->cArgs : 0;
    UINT named = params != nullptr ? params->cNamedArgs : 0;
    for (UINT i = 0; i < count; ++i) {
      size_t position;
      if (i < named) {
        DISPID index = params->rgdispidNamedArgs[i];
        if (index < 0) continue;
        position = static_cast<size_t>(index);
      } else {
        position = count - 1 - i;
      }
      if (position < args.size()) args[position] = &params->rgvarg[i];
    }
    self->Deliver(static_cast<size_t>(method - self->schema_->methods.data()), args);
    return S_OK;
  }
  static HRESULT STDMETHODCALLTYPE NotImplemented(ThunkTarget*) { return E_NOTIMPL; }

  std::atomic<ULONG> refs_{1};
  bool answersIDispatch_ = true;
  std::shared_ptr<const EventInterface> schema_;
  std::shared_ptr<Delivery> delivery_;
  // Weak: the server may release the sink well after Unadvise (its proxy's release is one more remote
  // call), and the sink must not keep its connection (and its threads) alive meanwhile. Once the
  // connection is gone the subscription has ended, and whatever arrives is discarded.
  std::weak_ptr<HostConnection> host_;
  std::vector<const void*> vtable_;
  std::vector<size_t> slotMethod_;
  std::vector<MethodPlan> plans_;
};

}  // namespace

ComRef<IUnknown> CreateEventSink(std::shared_ptr<const EventInterface> schema, const std::vector<OutAnswer>& answers,
                                 std::shared_ptr<Delivery> delivery, std::shared_ptr<HostConnection> host) {
  auto* sink = new EventSink(std::move(schema), std::move(delivery), std::move(host));
  try {
    sink->Plan(answers);
  } catch (...) {
    delete sink;
    throw;
  }
  // No home: a local object, released in place on whatever thread lets go of it last.
  return ComRef<IUnknown>::Adopt(reinterpret_cast<IUnknown*>(static_cast<ThunkTarget*>(sink)), nullptr);
}

}  // namespace vse
