/*
 * wintypes.h -- the Windows type names shm.cdef knows without windows.h,
 * each after a char so that its alignment shows in the next offset
 * (checked against windows.h of mingw-w64, 64- and 32-bit).
 */
#pragma once
#include <windows.h>
#include <tchar.h>
#include <time.h>

typedef struct WinTypes {
  char c0; void *ptr;
  char c1; size_t size;
  char c2; HANDLE handle;
  char c3; HWND hwnd;
  char c4; HMODULE hmodule;
  char c5; HINSTANCE hinstance;
  char c6; ULONG_PTR ulong_ptr;
  char c7; LONG_PTR long_ptr;
  char c8; DWORD_PTR dword_ptr;
  char c9; INT_PTR int_ptr;
  char c10; UINT_PTR uint_ptr;
  char c11; SIZE_T size_t_;
  char c12; LPSTR lpstr;
  char c13; LPCSTR lpcstr;
  char c14; LPWSTR lpwstr;
  char c15; TCHAR tchar[3];
  char c16; _TCHAR _tchar[3];
  char c17; BYTE byte_;
  char c18; WORD word;
  char c19; DWORD dword;
  char c20; BOOL bool_;
  char c21; LONG long_;
  char c22; ULONG ulong;
  char c23; GUID guid;
  char c24; LARGE_INTEGER large;
  char c25; ULARGE_INTEGER ularge;
  char c26; FILETIME filetime;
  char c27; SYSTEMTIME systemtime;
  char c28; time_t time;
  char c29; LONGLONG longlong;
  char c30; WCHAR wchar;
  char c31; LPVOID lpvoid;
  char c32; POINT point;
  char c33; RECT rect;
  char c34; LPARAM lparam;
  char c35; WPARAM wparam;
} WinTypes;

/* the offsets inside the windows.h structs */
static const int kGuidData4 = offsetof(GUID, Data4);
static const int kSystemTimeSecond = offsetof(SYSTEMTIME, wSecond);
