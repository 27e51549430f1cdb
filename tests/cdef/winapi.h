/*
 * winapi.h -- a test header in the style of Windows SDK headers: windows.h
 * type names (DWORD, BOOL, WCHAR, LONGLONG, HANDLE, ...), typedef'd tags
 * with pointer typedefs (CAR_STATE, *PCAR_STATE).  (Checked with mingw-w64
 * gcc against the real windows.h.)
 */
#pragma once
#include <windows.h>
#define MAX_CARS 64
typedef struct _CAR_STATE {
  DWORD dwSize;
  BOOL bActive;
  WCHAR szName[32];
  LONGLONG llTime;
  HANDLE hEvent;
  FLOAT fSpeed;
  BYTE reserved[3];
} CAR_STATE, *PCAR_STATE;
typedef struct tagSHARED {
  volatile LONG lVersion;
  UINT uCount;
  CAR_STATE cars[MAX_CARS];
} SHARED, *LPSHARED;
