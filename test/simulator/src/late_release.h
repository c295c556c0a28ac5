// Releases of clients' event sinks, made a while after the server let go of them (see late_release.cc for
// the Wine lock-up this avoids).
#pragma once
#include <unknwn.h>

// Any thread. Releases `object` on the release thread, kLateReleaseMs from now, in the order given.
void ReleaseLater(IUnknown* object);
