/*
** utf.c -- the one UTF-8 codec (utf.h).
*/
#include "utf.h"

size_t wshm_utf8dec (const unsigned char *s, size_t len, uint32_t *cp) {
  static const uint32_t lowest[] = {0, 0, 0x80, 0x800, 0x10000};
  uint32_t c = s[0];
  size_t n, i;
  if (c < 0x80) { *cp = c; return 1; }
  if (c >= 0xC2 && c <= 0xDF) { n = 2; c &= 0x1F; }
  else if (c >= 0xE0 && c <= 0xEF) { n = 3; c &= 0x0F; }
  else if (c >= 0xF0 && c <= 0xF4) { n = 4; c &= 0x07; }
  else return 0;
  if (len < n) return 0;
  for (i = 1; i < n; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    c = (c << 6) | (s[i] & 0x3Fu);
  }
  if (c < lowest[n] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
    return 0;
  *cp = c;
  return n;
}

size_t wshm_utf8enc (uint32_t cp, char *buf) {
  if (cp < 0x80) {
    buf[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    buf[0] = (char)(0xC0 | (cp >> 6));
    buf[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    buf[0] = (char)(0xE0 | (cp >> 12));
    buf[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    buf[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  buf[0] = (char)(0xF0 | (cp >> 18));
  buf[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  buf[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  buf[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

int wshm_utf8valid (const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s;
  while (len > 0) {
    uint32_t cp;
    size_t n = wshm_utf8dec(p, len, &cp);
    if (n == 0) return 0;
    p += n;
    len -= n;
  }
  return 1;
}
