/* stub/windows.h -- for the SysV compiler of the differential check only:
** the few windows.h names the test headers use, with the sizes Windows
** gives them (shm.cdef knows them without a header). */
#ifndef TEST_STUB_WINDOWS_H
#define TEST_STUB_WINDOWS_H
#include <stdint.h>
typedef void *HANDLE, *HWND, *HMODULE, *HINSTANCE, *LPVOID, *PVOID;
typedef uint8_t BYTE;
typedef uint16_t WORD;
typedef uint32_t DWORD, UINT, ULONG;
typedef int32_t BOOL, LONG, INT;
typedef int64_t LONGLONG;
typedef uint64_t ULONGLONG, SIZE_T, ULONG_PTR;
typedef char CHAR;
typedef uint16_t WCHAR;
typedef float FLOAT;
#define MAX_PATH 260
#endif
