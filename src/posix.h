/* posix.h -- what the POSIX backend files (os_posix.c, sync_posix.c,
** tools_posix.c) share. */
#ifndef WINSHM_POSIX_H
#define WINSHM_POSIX_H

#include <stddef.h>
#include "hidden.h"

WSHM_HIDE_BEGIN

/* The name without a Windows namespace prefix (Local\ or Global\,
** any case); *len is shortened to match. */
const char *wshm_posix_stripprefix (const char *name, size_t *len);

WSHM_HIDE_END

#endif
