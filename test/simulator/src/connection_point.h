// IConnectionPoint over a SinkList, and the IConnectionPointContainer methods of an event source that
// has exactly one connection point (the server and every VM object).
#pragma once
#include <memory>

#include "com_object.h"
#include "sink_list.h"

HRESULT FindSinkConnectionPoint(const std::shared_ptr<SinkList>& sinks, IConnectionPointContainer* container,
                                REFIID iid, IConnectionPoint** point);
HRESULT EnumSinkConnectionPoints(const std::shared_ptr<SinkList>& sinks, IConnectionPointContainer* container,
                                 IEnumConnectionPoints** points);
