/* embedded.h -- the table scripts/embed.lua generates (build/gen/embedded.c). */
#ifndef WINSHM_EMBEDDED_H
#define WINSHM_EMBEDDED_H

#include <stddef.h>
#include "hidden.h"

WSHM_HIDE_BEGIN

typedef struct wshm_embedded {
  const char *name;    /* module name, "winshm.cdef"; NULL ends the table */
  const char *chunk;   /* chunk name for messages, "@lua/winshm/cdef.lua" */
  const char *src;
  size_t len;
} wshm_embedded;

extern const wshm_embedded wshm_embedded_modules[];

WSHM_HIDE_END

#endif
