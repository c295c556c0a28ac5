// Stubs kept for the life of the server process, one for each interface its objects are called through,
// so that the RPC registration of those interfaces never ends while the server runs (see stub_pins.cc
// for the Wine lock-ups this avoids).
#pragma once

// Call once, in the MTA, before the class objects are registered.
void PinStubs();
