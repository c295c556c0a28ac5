// `vssim-client.exe --processes` and `--kill`: list or terminate running simulator servers (Wine 8.0's
// tasklist prints nothing, so tests use these instead).
#pragma once

// Prints {"processes":[{"name":"vssim-dispatch.exe","pid":123,"host":"A"},...]} (host: the simulated host
// the process serves, null if its command line cannot be read); returns the exit code.
int ListSimulatorProcesses();
// Terminates every simulator server and waits until each is gone; prints {"killed":[pids]}.
int KillSimulatorProcesses();
