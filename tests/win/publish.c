/*
** publish.c -- a Windows program that knows nothing of winshm and
** publishes a page as a game does: struct SPageFilePhysics of
** tests/cdef/ac.h (Assetto Corsa's shape, #pragma pack(4)) in a named
** file mapping, packetId counting up every 10 ms.  For the install test
** of the Windows zip (tests/install/zip.lua).
**
**   publish NAME SECONDS   create NAME, fill it, print "ready", keep
**                          counting for SECONDS, exit 0
**
** The values: gas 0.75, gear 3, rpms 6500, speedKmh 123.5,
** tyreContactPoint[3][2] -1.25, brakeBias 0.58, localVelocity[2] 42.
*/
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#include "../cdef/ac.h"

typedef struct SPageFilePhysics physics;

static int fail (const char *what) {
  fprintf(stderr, "publish: %s (error %lu)\n", what,
          (unsigned long)GetLastError());
  return 2;
}

int main (int argc, char **argv) {
  wchar_t name[MAX_PATH + 1];
  HANDLE h;
  physics *p;
  long ticks;
  if (argc != 3 || MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS,
                                       argv[1], -1, name, MAX_PATH + 1) <= 0
      || (ticks = strtol(argv[2], NULL, 10) * 100) <= 0) {
    fprintf(stderr, "usage: publish NAME SECONDS\n");
    return 2;
  }
  SetLastError(0);
  h = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0,
                         sizeof(physics), name);
  if (h == NULL) return fail("CreateFileMappingW");
  if (GetLastError() == ERROR_ALREADY_EXISTS) return fail("already exists");
  p = (physics *)MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
  if (p == NULL) return fail("MapViewOfFile");
  p->gas = 0.75f;
  p->gear = 3;
  p->rpms = 6500;
  p->speedKmh = 123.5f;
  p->tyreContactPoint[3][2] = -1.25f;
  p->brakeBias = 0.58f;
  p->localVelocity[2] = 42.0f;
  p->packetId = 1;
  printf("ready %u\n", (unsigned)sizeof(physics));
  fflush(stdout);
  for (; ticks > 0; ticks--) {
    Sleep(10);
    InterlockedIncrement((volatile LONG *)&p->packetId);
  }
  UnmapViewOfFile(p);
  CloseHandle(h);
  return 0;
}
