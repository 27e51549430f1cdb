-- winshm.cdef.prelude -- the structs of windows.h that data declarations
-- use, known to every source without a declaration (a header may define
-- them itself).  They are read as C under the ABI of the run, from the
-- windows.h integer names of winshm.cdef.types, so they have the layout
-- Windows gives them in all three ABIs.
return [[
typedef struct _GUID {
  DWORD Data1; WORD Data2; WORD Data3; BYTE Data4[8];
} GUID;
typedef union _LARGE_INTEGER {
  struct { DWORD LowPart; LONG HighPart; };
  struct { DWORD LowPart; LONG HighPart; } u;
  LONGLONG QuadPart;
} LARGE_INTEGER;
typedef union _ULARGE_INTEGER {
  struct { DWORD LowPart; DWORD HighPart; };
  struct { DWORD LowPart; DWORD HighPart; } u;
  ULONGLONG QuadPart;
} ULARGE_INTEGER;
typedef struct _FILETIME { DWORD dwLowDateTime; DWORD dwHighDateTime; } FILETIME;
typedef struct _SYSTEMTIME {
  WORD wYear; WORD wMonth; WORD wDayOfWeek; WORD wDay;
  WORD wHour; WORD wMinute; WORD wSecond; WORD wMilliseconds;
} SYSTEMTIME;
typedef struct tagPOINT { LONG x; LONG y; } POINT;
typedef struct tagRECT { LONG left; LONG top; LONG right; LONG bottom; } RECT;
]]
