/*
** rawmap.c -- a Windows program that knows nothing of winshm, for the
** interop cases of tests/windows_spec.lua.  It shares this record:
**
**   offset  0  uint32_t magic     0x4D485357 ("WSHM")
**           4  int32_t  value     -42
**           8  double   ratio     3.5
**          16  wchar_t  text[16]  L"h\u00e9llo w\u00f6rld \u263a" (UTF-16LE)
**          48  uint32_t answer    written by the other side
**          52  wchar_t  reply[16] written by the other side
**
**   rawmap serve NAME   create NAME (RECORD_SIZE bytes), fill it, wait up to
**                       30 s for answer != 0; exit 0 when the other side
**                       answered 4242 and reply holds L"merci \u263a"
**   rawmap check NAME   open the existing NAME read-write, check the record
**                       and that the view has >= RECORD_SIZE bytes, then
**                       answer 4343 and reply L"d'accord"; exit 0 if all
**                       was as expected
*/
#include <windows.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#define MAGIC        0x4D485357u
#define RECORD_SIZE  100   /* not a whole page: the view is rounded up */

typedef struct record {
  uint32_t magic;
  int32_t value;
  double ratio;
  wchar_t text[16];
  uint32_t answer;
  wchar_t reply[16];
} record;

static const wchar_t TEXT[] = L"h\u00e9llo w\u00f6rld \u263a";

static int fail (const char *what) {
  fprintf(stderr, "rawmap: %s (error %lu)\n", what,
          (unsigned long)GetLastError());
  return 2;
}

static int widen (const char *s, wchar_t *w, int n) {
  return MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, w, n);
}

static int serve (const wchar_t *name) {
  HANDLE h;
  record *r;
  int i;
  SetLastError(0);
  h = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0,
                         RECORD_SIZE, name);
  if (h == NULL) return fail("CreateFileMappingW");
  if (GetLastError() == ERROR_ALREADY_EXISTS) return fail("already exists");
  r = (record *)MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
  if (r == NULL) return fail("MapViewOfFile");
  r->value = -42;
  r->ratio = 3.5;
  memcpy(r->text, TEXT, sizeof(TEXT));
  MemoryBarrier();
  r->magic = MAGIC;  /* last: the other side waits for it */
  printf("ready\n");
  fflush(stdout);
  for (i = 0; i < 3000 && *(volatile uint32_t *)&r->answer == 0; i++)
    Sleep(10);
  MemoryBarrier();
  printf("answer %lu\n", (unsigned long)r->answer);
  if (r->answer != 4242) return 1;
  if (wcscmp(r->reply, L"merci \u263a") != 0) return 1;
  UnmapViewOfFile(r);
  CloseHandle(h);
  return 0;
}

static int check (const wchar_t *name) {
  MEMORY_BASIC_INFORMATION mbi;
  HANDLE h = OpenFileMappingW(FILE_MAP_READ | FILE_MAP_WRITE, FALSE, name);
  record *r;
  int ok = 1;
  if (h == NULL) return fail("OpenFileMappingW");
  r = (record *)MapViewOfFile(h, FILE_MAP_READ | FILE_MAP_WRITE, 0, 0, 0);
  if (r == NULL) return fail("MapViewOfFile");
  if (VirtualQuery(r, &mbi, sizeof(mbi)) == 0 || mbi.RegionSize < RECORD_SIZE)
    ok = 0;
  if (r->magic != MAGIC || r->value != -42 || r->ratio != 3.5
      || wcscmp(r->text, TEXT) != 0)
    ok = 0;
  printf("magic %08lx value %ld ratio %g text %s\n",
         (unsigned long)r->magic, (long)r->value, r->ratio,
         wcscmp(r->text, TEXT) == 0 ? "ok" : "wrong");
  wcscpy(r->reply, L"d'accord");
  r->answer = 4343;
  UnmapViewOfFile(r);
  CloseHandle(h);
  return ok ? 0 : 1;
}

int main (int argc, char **argv) {
  wchar_t name[MAX_PATH + 1];
  if (argc != 3 || widen(argv[2], name, MAX_PATH + 1) <= 0) {
    fprintf(stderr, "usage: rawmap serve|check NAME\n");
    return 2;
  }
  if (strcmp(argv[1], "serve") == 0) return serve(name);
  if (strcmp(argv[1], "check") == 0) return check(name);
  fprintf(stderr, "usage: rawmap serve|check NAME\n");
  return 2;
}
