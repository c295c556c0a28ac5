// Calls one event on every sink of a connection point, through the event interface of the build being
// compiled (dispinterface: IDispatch::Invoke by the DISPID the type library gives the name; vtable build:
// the interface's methods). Only ever called on the EventQueue thread.
#pragma once
#include <windows.h>
#include <oaidl.h>

#include "sink_list.h"

void DeliverStateChange(SinkList& vmSinks, long state);
void DeliverHeartbeatStopped(SinkList& vmSinks);
void DeliverTripleFault(SinkList& vmSinks);
void DeliverReset(SinkList& vmSinks);
// False when a sink refused (vtable build: answered isAllowed = VARIANT_FALSE).
bool DeliverRequestShutdown(SinkList& vmSinks);
void DeliverConfigurationChanged(SinkList& vmSinks, BSTR key, const VARIANT& data);
void DeliverVMStateChange(SinkList& serverSinks, BSTR vmName, long state);
void DeliverServerHeartbeatStopped(SinkList& serverSinks, BSTR vmName);
void DeliverEventLogged(SinkList& serverSinks, long id);
void DeliverServiceEvent(SinkList& serverSinks, long id);

// Sink calls that returned a success HRESULT since the process started.
long EventsDelivered();

// Whether a sink whose process died stays advised (its calls keep failing), as a host that never notices
// might keep it: the control object's KeepDeadSinks, for tests of clients that must unadvise as they exit.
void SetKeepDeadSinks(bool keep);
bool KeepsDeadSinks();
