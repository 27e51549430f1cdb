/*
 * features.h -- a test header for the C declarations shm.cdef reads:
 * every scalar spelling, constant expressions in array sizes, typedef'd
 * arrays, nested and anonymous definitions, alignment and packing
 * attributes, every form of #pragma pack, enums and their sizes.
 */
#ifndef TEST_FEATURES_H
#define TEST_FEATURES_H

#include <stddef.h>
#include <stdint.h>

#define N 3
#define M (N * 2 + 1)
#define BIG (1 << 4)
#define SZ (sizeof(struct Inner) * 2 - 3 % 2)
#define NAME_STR "features"
#define CHAR_A 'A'
#define HEXV 0x7fu
#define OCTV 017
#define LONGV 100000000000LL

#ifdef N
#define HAVE_N 1
#else
#define HAVE_N 0
#endif

#if defined(UNDEFINED_MACRO) || M < 7
struct NeverDefined { int x; };
#elif M == 7 && !defined UNDEFINED_MACRO
#define PICKED 2
#else
#define PICKED 3
#endif

#if 0
this is not C at all {{{
#endif

struct Inner { char c; short s; };

struct Scalars {
  char c; signed char sc; unsigned char uc;
  short s; short int si; signed short ss; unsigned short us; unsigned short int usi;
  int i; signed si2; signed int si3; unsigned u; unsigned int ui;
  long l; long int li; signed long sl; unsigned long ul; unsigned long int uli;
  long long ll; long long int lli; unsigned long long ull; long unsigned long ulu;
  int8_t i8; uint8_t u8; int16_t i16; uint16_t u16;
  int32_t i32; uint32_t u32; int64_t i64; uint64_t u64;
  float f; double d; _Bool b;
  const int ci; volatile unsigned vu; const volatile char cvc; char const cc2;
  wchar_t wc;
  void *p; const char *cp; int **pp; char *ptrs[3]; char * const cpc;
  size_t sz; intptr_t ip; ptrdiff_t pd;
};

struct Arrays {
  char name[M];
  double grid[N][N + 1];
  int cube[2][N][BIG / 8];
  struct Inner inners[SZ];
  uint8_t bytes[sizeof(double) * 2];
  char byshift[(BIG >> 2) + (1 << 3) - 7 / 2];
  char mod[17 % 5 + (-3 / 2) * -1];
  char chars[CHAR_A - 60];
  char ternary[N > 2 ? 5 : 1];
  char cast[(unsigned char)258];
  short picked[PICKED + HAVE_N];
  int hexoct[HEXV - 120 + OCTV - 14];
  char aligns[_Alignof(struct Inner) + __alignof__(double) + _Alignof(char[3])];
};

struct Many { double x, y, z; char a, b[3], c; int *q, r; };

typedef float vec3[3];
typedef vec3 mat3[3];
struct UsesTypedefArrays { vec3 pos; mat3 rot; vec3 path[4]; };

struct Outer {
  char tag;
  struct Nested { short a; double b; } nested;
  union { int i; float f; char bytes[6]; } u;
  struct { char x; int y; } anon_t[2];
  union { uint32_t whole; struct { uint16_t lo, hi; }; };
  char tail;
};

struct EndsInUnion {
  char a;
  union { char small; double big; };
};

union Variant {
  int i;
  double d;
  struct { char tag; short len; };
  char raw[12];
};

struct Aligned {
  char c;
  int x __attribute__((aligned(16)));
  char d;
  _Alignas(8) char e;
  double after;
};
struct __attribute__((aligned(32))) AlignedStruct { int a; char b; };
struct AlignedAfter { short s; } __attribute__((aligned(8)));
typedef struct { char c; int i; } __attribute__((packed)) Packed;
struct __attribute__((packed)) Packed2 { char c; double d; short s; };
struct HoldsAligned { char c; struct AlignedStruct a; char d; };

#pragma pack(push, 2)
struct P2 { char c; int i; double d; };
#pragma pack(push, r1, 1)
struct P1 { char c; int i; struct P2 inner; };
#pragma pack(push, 4)
#pragma pack(pop, r1)
struct P2b { char c; long long x; };
#pragma pack(8)
struct P8 { char c; double d; };
#pragma pack()
struct P0 { char c; double d; };
#pragma pack(pop)
struct AfterPop { char c; double d; };

#pragma pack(push, 1)
struct PackedAligned { char c; int x __attribute__((aligned(8))); char d; };
struct __attribute__((aligned(8))) PackedStructAligned { char c; int x; };
#pragma pack(pop)

struct __attribute__((packed)) PackedWithAligned {
  char c; int x __attribute__((aligned(8))); char d;
};
struct __attribute__((packed)) PackedAlignedLater {
  char c; int i; char d; int x __attribute__((aligned(4))); char e;
};
#pragma pack(push, 2)
struct Pack2AlignedLater { char c; int i; char d; double x __attribute__((aligned(8))); };
struct Pack2Aligned1 { char c; char d; short x __attribute__((aligned(1))); };
#pragma pack(pop)
union UnionAligned { char c; int x __attribute__((aligned(16))); };
struct EndAligned { int a; char z __attribute__((aligned(4))); };
#pragma pack(push, 2)
struct AnonInPack { char c; union { double d; int i; }; char e; };
struct AnonStructInPack { char c; struct { char a; double b; }; char e; };
#pragma pack(pop)
struct WithEnum { char c; enum { IN_A, IN_B = 300 } e; };
struct AlignasType { char c; _Alignas(double) char d; };
struct NestedAnon { int a; struct { int b; union { char c; long long d; }; }; int e; };
union UnionAnon { struct { char a; int b; }; struct { short c; double d; }; };
struct Trailing { double d; struct { char x; }; };

/* Macros standing for attributes, or for nothing. */
#define PACKED __attribute__((packed))
#define EXPORT
#define ALIGN16 __attribute__((aligned(16)))
#define PACKED_ALIGNED PACKED ALIGN16
EXPORT struct PACKED MacroPacked { char c; int i; };
struct MacroAfter { char c; int ALIGN16 x; } PACKED;
struct MacroMember { char c; ALIGN16 int x; };
struct PACKED_ALIGNED MacroBoth { char c; int x; };

enum Small { S_A, S_B = 5, S_C };
enum Neg { NEG_A = -5, NEG_B = 10 };
enum Wide { W_A = 0, W_B = 0x80000000 };
enum __attribute__((packed)) Tiny { T_A = 1, T_B = 200 };
enum __attribute__((packed)) TinySigned { TS_A = -1, TS_B = 100 };
typedef enum { TE_X = M, TE_Y, TE_Z = TE_Y * 2 } TEnum;

struct Enums { enum Small s; enum Wide w; enum Tiny t; char c; TEnum te; enum TinySigned ts; };

typedef struct Fwd Fwd;
struct UsesFwd { Fwd *next; struct Fwd *prev; };
struct Fwd { int value; };
struct UsesFwdLater { Fwd f; };

typedef void (*callback_t)(int, const char *);
struct Callbacks { char c; int (*fn)(void); callback_t cb; void (* const table[3])(int (*)(int)); };

typedef unsigned int u32_t, *u32_p;
typedef struct { u32_t a; u32_p b; } TypedefList;

_Static_assert(sizeof(struct Inner) == 4, "Inner is 4 bytes");
_Static_assert(offsetof(struct Outer, nested) == 8, "nested at 8");
_Static_assert(offsetof(struct Outer, nested.b) == 16, "nested.b at 16");
_Static_assert(N * 2 == 6, "arithmetic");

#endif
