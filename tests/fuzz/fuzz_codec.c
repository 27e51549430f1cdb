/*
** fuzz_codec.c -- libFuzzer harness for the UTF-8 codec under the text
** fields (wshm_utf8dec, wshm_utf8enc) and the check names use
** (wshm_utf8valid): each against a separate decoder written here, and
** encode(decode(s)) giving back s byte for byte.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void fail (const char *what, const uint8_t *s, size_t n, size_t at) {
  size_t i;
  fprintf(stderr, "fuzz_codec: %s at byte %zu of:", what, at);
  for (i = 0; i < n && i < 64; i++) fprintf(stderr, " %02x", s[i]);
  fprintf(stderr, "\n");
  abort();
}

/* Reference: the sequence at s (n bytes left); its length and code point,
** length 0 if malformed (RFC 3629). */
static size_t ref_seq (const uint8_t *s, size_t n, uint32_t *cp) {
  uint32_t c = s[0], min;
  size_t k, len;
  if (c < 0x80) { *cp = c; return 1; }
  if ((c & 0xE0) == 0xC0) { len = 2; c &= 0x1F; min = 0x80; }
  else if ((c & 0xF0) == 0xE0) { len = 3; c &= 0x0F; min = 0x800; }
  else if ((c & 0xF8) == 0xF0) { len = 4; c &= 0x07; min = 0x10000; }
  else return 0;
  if (n < len) return 0;
  for (k = 1; k < len; k++) {
    if ((s[k] & 0xC0) != 0x80) return 0;
    c = (c << 6) | (s[k] & 0x3F);
  }
  if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
  *cp = c;
  return len;
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size) {
  /* an exact-size copy, so ASan sees any read past the end */
  unsigned char *s = malloc(size ? size : 1);
  size_t i = 0;
  int valid = 1;
  if (s == NULL) return 0;
  memcpy(s, data, size);
  while (i < size) {
    uint32_t cp = 0xFFFFFFFFu, rcp = 0;
    size_t n = wshm_utf8dec(s + i, size - i, &cp);
    size_t rn = ref_seq(s + i, size - i, &rcp);
    if (n != rn) fail("decoder and reference disagree on the length", data, size, i);
    if (n == 0) { valid = 0; i++; continue; }
    if (cp != rcp) fail("decoder gives the wrong code point", data, size, i);
    {
      char buf[8];
      size_t m = wshm_utf8enc(cp, buf);
      if (m != n || memcmp(buf, s + i, n) != 0)
        fail("encode(decode(s)) is not s", data, size, i);
    }
    i += n;
  }
  if (wshm_utf8valid((const char *)s, size) != valid)
    fail("wshm_utf8valid disagrees with the decoder", data, size, 0);
  /* every code point encodes to what the reference decodes back */
  if (size >= 3) {
    uint32_t cp = ((uint32_t)data[0] << 16 | (uint32_t)data[1] << 8 | data[2]) % 0x110000;
    char buf[8];
    uint32_t back = 0;
    size_t m = wshm_utf8enc(cp, buf);
    int surrogate = cp >= 0xD800 && cp <= 0xDFFF;
    if (!surrogate && (ref_seq((const uint8_t *)buf, m, &back) != m || back != cp))
      fail("encoding does not decode back", data, size, 0);
  }
  free(s);
  return 0;
}
