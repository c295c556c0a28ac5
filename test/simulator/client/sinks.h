// Event sinks of the test client. A dispinterface sink is built from the type library the server
// reports (names come from the DISPIDs it receives); the vtable build's interfaces use the header widl
// generated for that build, and are used only when the connection point reports their IID.
#pragma once
#include <windows.h>
#include <oaidl.h>

#include <string>

// What the vtable sink answers in OnRequestShutdown's isAllowed (command `answer-shutdown`).
void SetShutdownAnswer(bool allowed);

// While held, every sink call waits (command `hold-events`): the server's event thread then blocks in
// its call, which shows that the calls that queued the events returned without waiting for them.
void HoldEvents(bool hold);

// A sink for connection interface `iid` described by `info` (TKIND_DISPATCH or a known vtable
// interface), printing each event with `label`; nullptr with `error` set when it cannot be built.
IUnknown* NewEventSink(REFIID iid, ITypeInfo* info, const std::wstring& label, std::wstring* error);
