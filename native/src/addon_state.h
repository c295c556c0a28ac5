// What one env (the main thread or a worker) keeps of the addon: its classes and its live subscriptions.
// Reached through the data pointer of every exported function; deleted by the env's cleanup hook.
#pragma once
#include <memory>
#include <unordered_set>
#include <vector>

#include <napi.h>

namespace vse {

class Subscription;
struct ComObject;

struct AddonState : std::enable_shared_from_this<AddonState> {
  Napi::FunctionReference objectClass;
  Napi::FunctionReference subscriptionClass;
  // Subscriptions still advised; ended (silently) when the env goes away.
  std::unordered_set<std::shared_ptr<Subscription>> liveSubscriptions;
  // Objects handed to JS, released at env teardown even when their handles were never collected.
  std::vector<std::weak_ptr<ComObject>> handedOut;
};

}  // namespace vse
