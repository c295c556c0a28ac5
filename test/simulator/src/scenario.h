// The demo scenario: a few VMs cycling through realistic life cycles (README.md, "Demo scenario").
#pragma once

void StartScenario();
void StopScenario();
// Service mode (`/service`, VSSIM_SERVICE=1): the process stays up, even with no object, until StopScenario.
void HoldProcessWhileScenarioRuns();
