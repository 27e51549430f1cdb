/* stub/tchar.h -- for the SysV compiler of the differential check only:
** tchar.h's narrow _TCHAR and _T(). */
#ifndef TEST_STUB_TCHAR_H
#define TEST_STUB_TCHAR_H
#include <string.h>  /* (as the real one brings them) */
#include <time.h>
typedef char _TCHAR;
#define _T(x) x
#endif
