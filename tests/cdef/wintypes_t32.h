/* wintypes_t32.h -- tests/cdef/wintypes.h with _USE_32BIT_TIME_T: time_t
** of 4 bytes under 32-bit Windows.  (It needs the include option.) */
#define _USE_32BIT_TIME_T
#include "wintypes.h"
