// `vssim-client.exe --hold-process-ids`: keeps the ids of the stress campaign's processes from being reused.
#pragma once

// Until its stdin closes, opens a handle to every node.exe and simulator process it sees (polling), and keeps
// it: a process id stays taken while a handle to its process is open (Windows and Wine alike). Returns 0.
int HoldProcessIds();
