// bench_addon.node: the benchmarks' raw baselines, what a Node addon can do with no bridge around it
// (bench only, never shipped). From an MTA thread of its own, like the COM threads that call the
// bridge's sink:
//   rawEvents(count, batched, onEvents, perSecond): `count` OnStateChange-shaped records ({method, args,
//     time}, time the firing moment on the clock of process.hrtime, in ms), each through a bare threadsafe
//     function call (batched false: onEvents(record) once per event), or queued with one wake-up per batch
//     (batched true: onEvents(records[])), the bridge's own scheme; fired as fast as possible (perSecond 0)
//     or paced like the bench source's Fire.
//   invokeLoop(clsid, property, count): seconds for `count` IDispatch::Invoke property reads of an
//     in-process object, in a plain C++ loop (the ceiling of any late-bound call from Node).
//   new CallWorker(clsid, property, perCallTsfn): one MTA worker thread doing the same read per get(),
//     which resolves a Promise on the JS thread through a threadsafe function made per call (what
//     native/src/com_call.cc does) or one kept for the worker's life: isolates what making one costs.
#include <windows.h>
#include <objbase.h>
#include <oleauto.h>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <napi.h>

#include "qpc_clock.h"

namespace {

struct Record {
  long state;
  double time;
};

Napi::Object RecordToJs(Napi::Env env, const Record& record) {
  Napi::Object object = Napi::Object::New(env);
  object.Set("method", Napi::String::New(env, "OnStateChange"));
  Napi::Array args = Napi::Array::New(env, 1);
  args.Set(uint32_t{0}, Napi::Number::New(env, record.state));
  object.Set("args", args);
  object.Set("time", Napi::Number::New(env, record.time));
  return object;
}

// The batched baseline's queue, shared by the firing thread and the JS thread.
struct Batch {
  std::mutex mutex;
  std::vector<Record> queued;
  bool wakePending = false;
};

void CallNaive(Napi::Env env, Napi::Function onEvents, std::nullptr_t*, Record* record) {
  std::unique_ptr<Record> owned(record);
  if (env != nullptr) onEvents.Call({RecordToJs(env, *owned)});
}

void CallBatched(Napi::Env env, Napi::Function onEvents, Batch* batch, std::nullptr_t*) {
  std::vector<Record> records;
  {
    std::lock_guard<std::mutex> lock(batch->mutex);
    records.swap(batch->queued);
    batch->wakePending = false;
  }
  if (env == nullptr) return;
  Napi::Array array = Napi::Array::New(env, records.size());
  for (uint32_t i = 0; i < records.size(); ++i) array.Set(i, RecordToJs(env, records[i]));
  onEvents.Call({array});
}

using NaiveTsfn = Napi::TypedThreadSafeFunction<std::nullptr_t, Record, CallNaive>;
using BatchedTsfn = Napi::TypedThreadSafeFunction<Batch, std::nullptr_t, CallBatched>;

Napi::Value RawEvents(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  long count = info[0].As<Napi::Number>().Int32Value();
  bool batched = info[1].As<Napi::Boolean>().Value();
  Napi::Function onEvents = info[2].As<Napi::Function>();
  long perSecond = info[3].As<Napi::Number>().Int32Value();
  // Paced like bench_source.cc's FireAll, so that the latency baseline and the bridge see the same load.
  auto pace = [perSecond, start = qpc::NowMs()](long i) {
    if (perSecond > 0) qpc::WaitUntil(start + 1000.0 * i / perSecond);
  };
  if (batched) {
    auto* batch = new Batch();
    BatchedTsfn tsfn = BatchedTsfn::New(env, onEvents, "bench batched", 0, 1, batch,
                                        [](Napi::Env, void*, Batch* context) { delete context; });
    std::thread([tsfn, batch, count, pace]() mutable {
      CoInitializeEx(nullptr, COINIT_MULTITHREADED);
      for (long i = 0; i < count; ++i) {
        pace(i);
        std::lock_guard<std::mutex> lock(batch->mutex);
        batch->queued.push_back({i % 2 == 0 ? 5 : 7, qpc::NowMs()});
        if (!batch->wakePending) {
          batch->wakePending = true;
          tsfn.NonBlockingCall();
        }
      }
      tsfn.Release();
      CoUninitialize();
    }).detach();
  } else {
    NaiveTsfn tsfn = NaiveTsfn::New(env, onEvents, "bench naive", 0, 1);
    std::thread([tsfn, count, pace]() mutable {
      CoInitializeEx(nullptr, COINIT_MULTITHREADED);
      for (long i = 0; i < count; ++i) {
        pace(i);
        tsfn.NonBlockingCall(new Record{i % 2 == 0 ? 5 : 7, qpc::NowMs()});
      }
      tsfn.Release();
      CoUninitialize();
    }).detach();
  }
  return env.Undefined();
}

std::wstring Wide(const std::string& text) {
  std::wstring wide(MultiByteToWideChar(CP_UTF8, 0, text.c_str(), -1, nullptr, 0), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, text.c_str(), -1, &wide[0], static_cast<int>(wide.size()));
  wide.resize(wide.size() - 1);
  return wide;
}

// An in-process object and the DISPID of one of its properties, on the current (MTA) thread.
struct Target {
  IDispatch* object = nullptr;
  DISPID property = DISPID_UNKNOWN;
  HRESULT Open(const std::wstring& clsidText, const std::wstring& name) {
    CLSID clsid;
    HRESULT hr = CLSIDFromString(clsidText.c_str(), &clsid);
    if (SUCCEEDED(hr))
      hr = CoCreateInstance(clsid, nullptr, CLSCTX_INPROC_SERVER, IID_IDispatch, reinterpret_cast<void**>(&object));
    LPOLESTR names[] = {const_cast<LPOLESTR>(name.c_str())};
    if (SUCCEEDED(hr)) hr = object->GetIDsOfNames(IID_NULL, names, 1, LOCALE_USER_DEFAULT, &property);
    return hr;
  }
  HRESULT Read(VARIANT* result) {
    DISPPARAMS none = {nullptr, nullptr, 0, 0};
    return object->Invoke(property, IID_NULL, LOCALE_USER_DEFAULT, DISPATCH_PROPERTYGET, &none, result, nullptr,
                          nullptr);
  }
  ~Target() {
    if (object) object->Release();
  }
};

void ThrowHr(Napi::Env env, const char* what, HRESULT hr) {
  char text[80];
  wsprintfA(text, "%s failed: 0x%08lx", what, static_cast<unsigned long>(hr));
  throw Napi::Error::New(env, text);
}

Napi::Value InvokeLoop(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::wstring clsid = Wide(info[0].As<Napi::String>().Utf8Value());
  std::wstring property = Wide(info[1].As<Napi::String>().Utf8Value());
  long count = info[2].As<Napi::Number>().Int32Value();
  HRESULT failure = S_OK;
  double seconds = 0;
  std::thread([&] {
    CoInitializeEx(nullptr, COINIT_MULTITHREADED);
    {
      Target target;
      failure = target.Open(clsid, property);
      LARGE_INTEGER start, end, frequency;
      QueryPerformanceCounter(&start);
      for (long i = 0; i < count && SUCCEEDED(failure); ++i) {
        VARIANT result;
        VariantInit(&result);
        failure = target.Read(&result);
        VariantClear(&result);
      }
      QueryPerformanceCounter(&end);
      QueryPerformanceFrequency(&frequency);
      seconds = static_cast<double>(end.QuadPart - start.QuadPart) / static_cast<double>(frequency.QuadPart);
    }
    CoUninitialize();
  }).join();
  if (FAILED(failure)) ThrowHr(env, "the Invoke loop", failure);
  return Napi::Number::New(env, seconds);
}

// What one get() hands back to the JS thread.
struct Reply {
  Napi::Promise::Deferred deferred;
  HRESULT hr;
  std::wstring text;
};

void Settle(Napi::Env env, Napi::Function, std::nullptr_t*, Reply* reply) {
  std::unique_ptr<Reply> owned(reply);
  if (env == nullptr) return;
  if (FAILED(owned->hr)) {
    owned->deferred.Reject(Napi::Error::New(env, "the worker's Invoke failed").Value());
  } else {
    owned->deferred.Resolve(Napi::String::New(env, reinterpret_cast<const char16_t*>(owned->text.c_str())));
  }
}

using ReplyTsfn = Napi::TypedThreadSafeFunction<std::nullptr_t, Reply, Settle>;

class CallWorker : public Napi::ObjectWrap<CallWorker> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "CallWorker",
                       {InstanceMethod("get", &CallWorker::Get), InstanceMethod("close", &CallWorker::Close)});
  }

  CallWorker(const Napi::CallbackInfo& info) : Napi::ObjectWrap<CallWorker>(info) {
    std::wstring clsid = Wide(info[0].As<Napi::String>().Utf8Value());
    std::wstring property = Wide(info[1].As<Napi::String>().Utf8Value());
    perCallTsfn_ = info[2].As<Napi::Boolean>().Value();
    if (!perCallTsfn_) shared_ = ReplyTsfn::New(info.Env(), "bench call (shared)", 0, 1);
    thread_ = std::thread([this, clsid, property] { Run(clsid, property); });
  }
  ~CallWorker() { Stop(); }

 private:
  struct Job {
    ReplyTsfn tsfn;
    Reply* reply;
  };

  Napi::Value Get(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto* reply = new Reply{Napi::Promise::Deferred::New(env), S_OK, {}};
    Napi::Promise promise = reply->deferred.Promise();
    ReplyTsfn tsfn = perCallTsfn_ ? ReplyTsfn::New(env, "bench call (per call)", 0, 1) : shared_;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      jobs_.push_back({tsfn, reply});
    }
    wake_.notify_one();
    return promise;
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    Stop();
    return info.Env().Undefined();
  }

  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_) return;
      stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
    if (!perCallTsfn_) shared_.Release();
  }

  void Run(const std::wstring& clsid, const std::wstring& property) {
    CoInitializeEx(nullptr, COINIT_MULTITHREADED);
    {
      Target target;
      HRESULT opened = target.Open(clsid, property);
      for (;;) {
        Job job;
        {
          std::unique_lock<std::mutex> lock(mutex_);
          wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
          if (jobs_.empty()) break;
          job = jobs_.front();
          jobs_.pop_front();
        }
        VARIANT result;
        VariantInit(&result);
        job.reply->hr = FAILED(opened) ? opened : target.Read(&result);
        if (SUCCEEDED(job.reply->hr) && result.vt == VT_BSTR) job.reply->text = result.bstrVal;
        VariantClear(&result);
        job.tsfn.NonBlockingCall(job.reply);
        if (perCallTsfn_) job.tsfn.Release();
      }
    }
    CoUninitialize();
  }

  bool perCallTsfn_ = false;
  ReplyTsfn shared_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
};

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("rawEvents", Napi::Function::New(env, RawEvents));
  exports.Set("invokeLoop", Napi::Function::New(env, InvokeLoop));
  exports.Set("CallWorker", CallWorker::Define(env));
  return exports;
}

}  // namespace

NODE_API_MODULE(bench_addon, Init)
