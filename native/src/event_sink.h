// The sink COM object built from an event interface's description: it answers IDispatch::Invoke (for a
// dispinterface, by DISPID) and the vtable slots the type library gives (for a custom or dual interface).
// Each call copies its [in] arguments into plain values, fills [out] parameters from answers set
// beforehand, pushes the record to the subscription's Delivery and returns S_OK at once: it never
// touches V8 and never waits for JS.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "com_ref.h"
#include "delivery.h"
#include "event_schema.h"
#include "host_connection.h"
#include "value.h"

namespace vse {

// What to write into [out] parameters: per method (index in the interface), per parameter (index),
// the VARIANT to convert and store. Parameters not listed get VARIANT_TRUE for a VARIANT_BOOL (the
// documented meaning of OnRequestShutdown's isAllowed: allow) and zero / empty otherwise.
struct OutAnswer {
  size_t method;
  size_t param;
  std::shared_ptr<const Variant> value;
};

// The connection's worker. Throws ComFailure (ERR_VS_EVENTS_UNAVAILABLE) naming the method and parameter when the
// interface cannot be sunk (a type that cannot be copied, an unsupported ABI shape).
ComRef<IUnknown> CreateEventSink(std::shared_ptr<const EventInterface> schema, const std::vector<OutAnswer>& answers,
                                 std::shared_ptr<Delivery> delivery, std::shared_ptr<HostConnection> host);

}  // namespace vse
