#include "scenario.h"

#include <atomic>
#include <memory>
#include <random>
#include <string>

#include "server_lifetime.h"
#include "vssim_interfaces.h"
#include "world.h"

namespace {

std::atomic<bool> g_running{false};
std::atomic<unsigned> g_generation{0};
std::atomic<bool> g_holdsProcess{false};

const wchar_t* const kVirtualMachines[] = {L"Web Server", L"Database", L"Build Agent", L"Domain Controller"};

// One VM's life cycle, advanced one action at a time on the event thread.
struct Actor {
  VmPtr vm;
  std::minstd_rand random;
  unsigned generation;
};

VARIANT ConfigurationValue(std::minstd_rand& random, std::wstring* key) {
  VARIANT value;
  VariantInit(&value);
  switch (random() % 4) {
    case 0:
      *key = L"hardware/memory/ram_size";
      V_VT(&value) = VT_I4;
      V_I4(&value) = 256 << (random() % 4);
      break;
    case 1:
      *key = L"notes";
      V_VT(&value) = VT_BSTR;
      V_BSTR(&value) = SysAllocString(L"Wartungsfenster \u00e4nderung \u2713 \u65e5\u672c");
      break;
    case 2:
      *key = L"undo_disks/enabled";
      V_VT(&value) = VT_BOOL;
      V_BOOL(&value) = (random() % 2) ? VARIANT_TRUE : VARIANT_FALSE;
      break;
    default:
      *key = L"last_backup";
      V_VT(&value) = VT_DATE;
      V_DATE(&value) = 46000.0 + static_cast<double>(random() % 1000) / 10.0;
      break;
  }
  return value;
}

void Act(Actor& actor) {
  World& world = World::Instance();
  long state = 0;
  if (FAILED(world.ReadState(actor.vm, IID_IVMVirtualMachine, &state))) return;
  const unsigned roll = actor.random() % 100;
  // Refusals (a sequence still running) are fine: the next action tries again.
  if (state == vmVMState_TurnedOff || state == vmVMState_Saved) {
    world.Startup(actor.vm, nullptr);
  } else if (state == vmVMState_Paused) {
    if (roll < 80)
      world.Resume(actor.vm);
    else
      world.TurnOff(actor.vm, nullptr);
  } else if (state == vmVMState_Running) {
    if (roll < 40) {
      std::wstring key;
      VARIANT value = ConfigurationValue(actor.random, &key);
      world.FireConfigurationChanged(actor.vm, key, value);
      VariantClear(&value);
    } else if (roll < 50) {
      world.FireHeartbeatStopped(actor.vm);
    } else if (roll < 60) {
      world.FireEventLogged(static_cast<long>(1000 + actor.random() % 100));
    } else if (roll < 70) {
      world.Pause(actor.vm);
    } else if (roll < 80) {
      world.Save(actor.vm, nullptr);
    } else if (roll < 88) {
      world.Reset(actor.vm, nullptr);
    } else if (roll < 95) {
      world.TurnOff(actor.vm, nullptr);
    } else {
      world.FireServiceEvent(static_cast<long>(2000 + actor.random() % 100));
    }
  }
}

DWORD NextDelay(Actor& actor) {
  const long pacing = World::Instance().Pacing();
  return static_cast<DWORD>((pacing > 0 ? pacing : 1) * static_cast<long>(2 + actor.random() % 5));
}

void Schedule(std::shared_ptr<Actor> actor, DWORD delayMs) {
  World::Instance().Queue().Schedule(delayMs, [actor] {
    if (!g_running || actor->generation != g_generation) return;
    Act(*actor);
    Schedule(actor, NextDelay(*actor));
  });
}

}  // namespace

void StartScenario() {
  if (g_running.exchange(true)) return;
  const unsigned generation = ++g_generation;
  World& world = World::Instance();
  unsigned seed = 1;
  for (const wchar_t* name : kVirtualMachines) {
    world.Define(name, vmVMState_TurnedOff);  // already defined is fine: the scenario reuses it
    auto actor = std::make_shared<Actor>();
    actor->vm = world.Find(name);
    actor->random.seed(seed++);
    actor->generation = generation;
    if (actor->vm) Schedule(actor, NextDelay(*actor));
  }
}

void StopScenario() {
  g_running = false;
  if (g_holdsProcess.exchange(false)) UnlockServer();
}

void HoldProcessWhileScenarioRuns() {
  if (!g_holdsProcess.exchange(true)) LockServer();
}
