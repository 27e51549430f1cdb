/* wintypes_w.h -- tests/cdef/wintypes.h with UNICODE and _UNICODE: TCHAR
** and _TCHAR are wide characters.  (It needs the include option.) */
#define UNICODE
#define _UNICODE
#include "wintypes.h"
