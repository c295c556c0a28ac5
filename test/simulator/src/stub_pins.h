// Stubs kept for the life of the server process, so that the RPC registration of their interfaces never
// ends while the server runs (see stub_pins.cc for the Wine lock-up this avoids).
#pragma once

// Call once, in the MTA, before the class objects are registered.
void PinTypeLibraryStubs();
