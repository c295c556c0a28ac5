// Wiping credentials out of memory once they are no longer needed: a freed buffer that still held a
// password could be read back from a crash dump or by later code. (The JS string the user passed stays
// in V8's heap until it is collected: nothing native can reach it.)
#pragma once
#include <windows.h>

#include <string>

namespace vse {

// Zeroes every character the string's buffer can hold (SecureZeroMemory is never optimised away), then
// empties it.
template <typename Char>
void Wipe(std::basic_string<Char>& text) {
  text.resize(text.capacity());
  if (!text.empty()) SecureZeroMemory(&text[0], text.size() * sizeof(Char));
  text.clear();
}

}  // namespace vse
