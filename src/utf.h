/*
** utf.h -- the one UTF-8 codec of winshm (utf.c): names are checked with
** it, text fields (scalar.c) build UTF-16 and UTF-32 on it.  Pure C.
*/
#ifndef WINSHM_UTF_H
#define WINSHM_UTF_H

#include <stddef.h>
#include <stdint.h>
#include "hidden.h"

WSHM_HIDE_BEGIN

/* Decode one UTF-8 sequence of s[0..len) (len >= 1) into *cp; its length,
** or 0 if invalid (overlong, surrogate, above U+10FFFF, truncated). */
size_t wshm_utf8dec (const unsigned char *s, size_t len, uint32_t *cp);

/* Encode cp (<= 0x10FFFF) as UTF-8 into buf (4 bytes); its length. */
size_t wshm_utf8enc (uint32_t cp, char *buf);

/* 1 if s[0..len) is well-formed UTF-8, else 0. */
int wshm_utf8valid (const char *s, size_t len);

WSHM_HIDE_END

#endif
