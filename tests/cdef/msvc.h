/*
 * msvc.h -- a test header with the Microsoft spellings of alignment that
 * Windows SDK headers use: __declspec(align(n)) on structs, typedefs and
 * members, next to #pragma pack.  (Checked with mingw-w64 gcc.)
 */
#ifndef TEST_MSVC_H
#define TEST_MSVC_H

struct __declspec(align(16)) Vec4 {
  float x, y, z, w;
};

typedef struct __declspec(align(32)) {
  int id;
  char tag;
} Block;

struct HasAligned {
  char c;
  __declspec(align(8)) int x;
  struct Vec4 v;
  long l;               /* 4 bytes on Windows */
  wchar_t name[33];     /* UTF-16 on Windows */
};

#pragma pack(push, 4)
struct Packed4 {
  char c;
  double d;
  struct Vec4 v;        /* a 16-aligned type inside pack(4) */
  char e;
};
#pragma pack(pop)

#endif
