/*
** nsname.c -- the Windows kernel namespace prefixes of object names,
** "Local\" and "Global\" (any case): the one place that knows them.
** Pure C; both backends and the Lua tools (through shm._objname) use it.
*/
#include <stddef.h>

#include "backend.h"

static int lower (int c) {
  return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Does name[0..len) start with the lower-case ASCII word p? */
static int startswith (const char *name, size_t len, const char *p) {
  size_t i;
  for (i = 0; p[i] != '\0'; i++)
    if (i >= len || lower((unsigned char)name[i]) != p[i]) return 0;
  return 1;
}

size_t wshm_nsprefix (const char *name, size_t len) {
  if (startswith(name, len, "local\\")) return 6;
  if (startswith(name, len, "global\\")) return 7;
  return 0;
}
