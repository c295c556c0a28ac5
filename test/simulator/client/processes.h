// `vssim-client.exe --processes`, `--kill` and `--census PID`: list or terminate running simulator servers
// (Wine 8.0's tasklist prints nothing, so tests use these instead), and count what a process holds.
#pragma once

#include <windows.h>

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

// Prints {"processes":[{"name":"vssim-dispatch.exe","pid":123,"host":"A"},...]} (host: the simulated host
// the process serves, null if its command line cannot be read); returns the exit code.
int ListSimulatorProcesses();
// Terminates every simulator server and waits until each is gone; prints {"killed":[pids]}.
int KillSimulatorProcesses();
// Prints {"pid":n,"handles":n,"handleSource":"...","threads":n} for process `pid`: the stress tests'
// instrument for handle and thread leaks, read from outside so that measuring adds no handle to the count.
int PrintCensus(DWORD pid);
// The running processes whose executable is one of `names` (case-insensitive): (name, pid) pairs.
std::vector<std::pair<std::wstring, DWORD>> ProcessesNamed(std::initializer_list<const wchar_t*> names);
