#include "vtable_thunks.h"

#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>

namespace vse {
namespace {

bool IsLarge(const ThunkParam& param) {  // passed through a hidden pointer on x64, inline (16 bytes) on x86
  return !param.byRef && (param.vt == VT_VARIANT || param.vt == VT_DECIMAL);
}

#if defined(_M_X64) || defined(__x86_64__)

constexpr int kShapes = 8;  // bit k: parameter k+1 (after `this`) is floating, so it came in XMM(k+1)

bool IsFloating(const ThunkParam& param) {
  return !param.byRef && (param.vt == VT_R4 || param.vt == VT_R8 || param.vt == VT_DATE);
}

template <int Shape, int Position>
using Register = std::conditional_t<((Shape >> Position) & 1) != 0, double, uint64_t>;

inline uint64_t Bits(uint64_t value) { return value; }
inline uint64_t Bits(double value) {
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);  // a float's bits are the low half of its XMM register
  return bits;
}

// Declares all kMaxThunkParams parameters: those the caller did not pass are read from the caller's
// frame, never written, and ignored by the handler.
template <int Slot, int Shape>
HRESULT STDMETHODCALLTYPE Thunk(ThunkTarget* self, Register<Shape, 0> a1, Register<Shape, 1> a2, Register<Shape, 2> a3,
                                uint64_t a4, uint64_t a5, uint64_t a6, uint64_t a7, uint64_t a8, uint64_t a9,
                                uint64_t a10, uint64_t a11, uint64_t a12, uint64_t a13, uint64_t a14, uint64_t a15) {
  const uint64_t raw[kMaxThunkParams] = {Bits(a1), Bits(a2), Bits(a3), a4,  a5,  a6,  a7, a8,
                                         a9,       a10,      a11,      a12, a13, a14, a15};
  return self->handler(self, Slot, reinterpret_cast<const unsigned char*>(raw));
}

template <int Slot, int... Shapes>
void FillRow(const void* (&row)[kShapes], std::integer_sequence<int, Shapes...>) {
  ((row[Shapes] = reinterpret_cast<const void*>(&Thunk<Slot, Shapes>)), ...);
}

template <int... Slots>
void FillTable(const void* (&table)[kMaxThunkSlot][kShapes], std::integer_sequence<int, Slots...>) {
  (FillRow<Slots>(table[Slots], std::make_integer_sequence<int, kShapes>{}), ...);
}

size_t RawSize(const ThunkParam&) { return 8; }

const void* Lookup(int slot, const std::vector<ThunkParam>& params, std::string*) {
  static const void* table[kMaxThunkSlot][kShapes];
  static const bool filled = (FillTable(table, std::make_integer_sequence<int, kMaxThunkSlot>{}), true);
  (void)filled;
  int shape = 0;
  for (size_t i = 0; i < params.size() && i < 3; ++i) {
    if (IsFloating(params[i])) shape |= 1 << i;
  }
  return table[slot][shape];
}

#elif defined(_M_IX86) || defined(__i386__)

constexpr int kMaxWords = 4 * kMaxThunkParams;

template <size_t>
using Word = uint32_t;

template <int Slot, typename Sequence>
struct Thunk;

// __stdcall pops exactly the words the caller pushed: one instantiation per word count.
template <int Slot, size_t... Index>
struct Thunk<Slot, std::index_sequence<Index...> > {
  static HRESULT STDMETHODCALLTYPE Call(ThunkTarget* self, Word<Index>... words) {
    const uint32_t raw[sizeof...(Index) + 1] = {words..., 0};
    return self->handler(self, Slot, reinterpret_cast<const unsigned char*>(raw));
  }
};

template <int Slot, size_t... Counts>
void FillRow(const void* (&row)[kMaxWords + 1], std::index_sequence<Counts...>) {
  ((row[Counts] = reinterpret_cast<const void*>(&Thunk<Slot, std::make_index_sequence<Counts> >::Call)), ...);
}

template <int... Slots>
void FillTable(const void* (&table)[kMaxThunkSlot][kMaxWords + 1], std::integer_sequence<int, Slots...>) {
  (FillRow<Slots>(table[Slots], std::make_index_sequence<kMaxWords + 1>{}), ...);
}

size_t RawSize(const ThunkParam& param) {
  if (param.byRef) return 4;
  if (IsLarge(param)) return 16;
  switch (param.vt) {
    case VT_I8:
    case VT_UI8:
    case VT_R8:
    case VT_DATE:
    case VT_CY:
      return 8;
    default:
      return 4;
  }
}

const void* Lookup(int slot, const std::vector<ThunkParam>& params, std::string*) {
  static const void* table[kMaxThunkSlot][kMaxWords + 1];
  static const bool filled = (FillTable(table, std::make_integer_sequence<int, kMaxThunkSlot>{}), true);
  (void)filled;
  size_t bytes = 0;
  for (const ThunkParam& param : params) bytes += RawSize(param);
  return table[slot][bytes / 4];
}

#else

size_t RawSize(const ThunkParam&) { return sizeof(void*); }

const void* Lookup(int, const std::vector<ThunkParam>&, std::string* why) {
  *why = "custom (vtable) event interfaces are supported on x64 and x86 only; this build's ABI is not";
  return nullptr;
}

#endif

}  // namespace

const void* ThunkFor(int slot, const std::vector<ThunkParam>& params, std::string* why) {
  if (slot < 0 || slot >= kMaxThunkSlot) {
    *why = "its vtable slot " + std::to_string(slot) + " is beyond the " + std::to_string(kMaxThunkSlot) +
           " the sink supports";
    return nullptr;
  }
  if (params.size() > static_cast<size_t>(kMaxThunkParams)) {
    *why = "it has " + std::to_string(params.size()) + " parameters; the sink supports up to " +
           std::to_string(kMaxThunkParams);
    return nullptr;
  }
  return Lookup(slot, params, why);
}

std::vector<size_t> RawArgOffsets(const std::vector<ThunkParam>& params) {
  std::vector<size_t> offsets;
  size_t offset = 0;
  for (const ThunkParam& param : params) {
    offsets.push_back(offset);
    offset += RawSize(param);
  }
  return offsets;
}

bool PassedByHiddenPointer(const ThunkParam& param) { return sizeof(void*) == 8 && IsLarge(param); }

}  // namespace vse
