/*
** fuzz_names.c -- libFuzzer harness for name checking: wshm_utf8valid
** against an independent decoder, and wshm_checkname against the rules
** of docs/reference.md (non-empty, no NUL, UTF-8, on POSIX no '/', not '.' or '..',
** at most 255 bytes after a Local\ or Global\ prefix).  Any accepted
** name must stay inside /dev/shm.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "names.h"
#include "utf.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void fail (const char *what, const uint8_t *s, size_t n) {
  size_t i;
  fprintf(stderr, "fuzz_names: %s for name of %zu bytes:", what, n);
  for (i = 0; i < n && i < 64; i++) fprintf(stderr, " %02x", s[i]);
  fprintf(stderr, "\n");
  abort();
}

/* Reference: decode by code point, then re-check the rules of RFC 3629. */
static int ref_utf8 (const uint8_t *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    uint32_t c = s[i], min;
    size_t k, len;
    if (c < 0x80) { i++; continue; }
    if ((c & 0xE0) == 0xC0) { len = 2; c &= 0x1F; min = 0x80; }
    else if ((c & 0xF0) == 0xE0) { len = 3; c &= 0x0F; min = 0x800; }
    else if ((c & 0xF8) == 0xF0) { len = 4; c &= 0x07; min = 0x10000; }
    else return 0;
    if (n - i < len) return 0;
    for (k = 1; k < len; k++) {
      if ((s[i + k] & 0xC0) != 0x80) return 0;
      c = (c << 6) | (s[i + k] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
    i += len;
  }
  return 1;
}

static size_t prefixlen (const uint8_t *s, size_t n) {
  if (n >= 6 && strncasecmp((const char *)s, "Local\\", 6) == 0) return 6;
  if (n >= 7 && strncasecmp((const char *)s, "Global\\", 7) == 0) return 7;
  return 0;
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size) {
  /* a private copy of exactly 'size' bytes, so ASan sees any overread */
  char *name = malloc(size ? size : 1);
  const uint8_t *rest;
  size_t pl, rn;
  wshm_err e;
  int ok, valid;
  if (name == NULL) return 0;
  memcpy(name, data, size);
  valid = wshm_utf8valid(name, size);
  if (valid != ref_utf8(data, size))
    fail(valid ? "utf8valid accepts malformed UTF-8"
               : "utf8valid rejects well-formed UTF-8", data, size);
  memset(&e, 0, sizeof e);
  ok = wshm_checkname(name, size, &e);
  pl = prefixlen(data, size);
  rest = data + pl;
  rn = size - pl;
  if (ok) {
    if (size == 0 || memchr(data, 0, size) || !valid)
      fail("checkname accepts an empty, NUL or non-UTF-8 name", data, size);
    if (rn == 0 || rn > 255 || memchr(rest, '/', rn)
        || (rn == 1 && rest[0] == '.')
        || (rn == 2 && rest[0] == '.' && rest[1] == '.'))
      fail("checkname accepts a name that leaves /dev/shm", data, size);
  }
  else {
    int should = size > 0 && !memchr(data, 0, size) && valid && rn > 0
                 && rn <= 255 && !memchr(rest, '/', rn)
                 && !(rn == 1 && rest[0] == '.')
                 && !(rn == 2 && rest[0] == '.' && rest[1] == '.');
    if (should) fail("checkname rejects a good name", data, size);
    if (e.kind == NULL || strcmp(e.kind, WSHM_ENAME) != 0
        || e.code == NULL || memchr(e.msg, '\0', sizeof e.msg) == NULL)
      fail("checkname leaves a bad error", data, size);
  }
  free(name);
  return 0;
}
