/*
** tools_win32.c -- shm._sys for the command-line tools on Windows (see
** tools_posix.c).  isatty also switches the console to ANSI escapes.
** There is no /dev/shm to scan: scandir says so, and objects() reads the
** kernel's object directories instead (NtQueryDirectoryObject); handles()
** counts a mapping's handles (NtQueryObject):
**
**   _sys.objects() -> { {ns = "Local" | "Global", name =, type =,
**                        size = bytes (sections we may query) }, ... }
*/
#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <stdint.h>
#include <sys/stat.h>
#include <stdio.h>
#include <windows.h>
#include <winternl.h>

#include "winshm.h"
#include "tools.h"

static int sys_sleep (lua_State *L) {
  lua_Number s = luaL_checknumber(L, 1);
  luaL_argcheck(L, s >= 0 && s <= WSHM_MAXSLEEP, 1, "seconds from 0 to 1e6 expected");
  Sleep((DWORD)(s * 1000));
  return 0;
}

#ifndef ENABLE_VIRTUAL_TERMINAL_PROCESSING
#define ENABLE_VIRTUAL_TERMINAL_PROCESSING 0x0004
#endif

/* A console that understands ANSI escapes: true once VT processing is on
** (Windows 10 and later); false for files, pipes and older consoles. */
static int sys_isatty (lua_State *L) {
  lua_Integer fd = luaL_optinteger(L, 1, 1);
  HANDLE h;
  DWORD mode;
  int ok;
  luaL_argcheck(L, fd == 1 || fd == 2, 1, "1 or 2 expected");
  h = GetStdHandle(fd == 1 ? STD_OUTPUT_HANDLE : STD_ERROR_HANDLE);
  ok = _isatty(fd == 1 ? _fileno(stdout) : _fileno(stderr))
           && GetConsoleMode(h, &mode)
           && ((mode & ENABLE_VIRTUAL_TERMINAL_PROCESSING)
               || SetConsoleMode(h, mode | ENABLE_VIRTUAL_TERMINAL_PROCESSING));
  lua_pushboolean(L, ok);
  return 1;
}

static int sys_clock (lua_State *L) {
  LARGE_INTEGER f, c;
  QueryPerformanceFrequency(&f);
  QueryPerformanceCounter(&c);
  lua_pushnumber(L, (lua_Number)c.QuadPart / (lua_Number)f.QuadPart);
  return 1;
}

/* FILETIME counts 100 ns from 1601-01-01; 11644473600 s before 1970. */
static int sys_time (lua_State *L) {
  FILETIME ft;
  ULARGE_INTEGER t;
  GetSystemTimePreciseAsFileTime(&ft);
  t.LowPart = ft.dwLowDateTime;
  t.HighPart = ft.dwHighDateTime;
  lua_pushnumber(L, (lua_Number)t.QuadPart * 1e-7 - 11644473600.0);
  return 1;
}

static int sys_pid (lua_State *L) {
  lua_pushinteger(L, (lua_Integer)GetCurrentProcessId());
  return 1;
}

/* A new file (see tools_posix.c); the path is UTF-8, the code page. */
static int sys_create (lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  luaL_Stream *p = wshm_newstream(L);
  int fd = _open(path, _O_WRONLY | _O_CREAT | _O_EXCL | _O_BINARY,
                 _S_IREAD | _S_IWRITE);
  FILE *f = fd >= 0 ? _fdopen(fd, "wb") : NULL;
  if (f == NULL) {
    int e = errno;
    if (fd >= 0) _close(fd);
    errno = e;
    return luaL_fileresult(L, 0, path);
  }
  wshm_streamset(p, f);
  return 1;
}

static int sys_scandir (lua_State *L) {
  luaL_checkstring(L, 1);
  luaL_pushfail(L);
  lua_pushliteral(L, "not available on Windows");
  return 2;
}

/* _sys.stat(path) -> { name = path, dir = boolean } | nil, message: what
** Windows tells of a file (see tools_posix.c); the path is UTF-8, the
** host's code page. */
static int sys_stat (lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  DWORD a = GetFileAttributesA(path);
  if (a == INVALID_FILE_ATTRIBUTES) {
    luaL_pushfail(L);
    lua_pushfstring(L, "%s: cannot find it (error %d)", path,
                    (int)GetLastError());
    return 2;
  }
  lua_createtable(L, 0, 2);
  lua_pushvalue(L, 1);
  lua_setfield(L, -2, "name");
  lua_pushboolean(L, (a & FILE_ATTRIBUTE_DIRECTORY) != 0);
  lua_setfield(L, -2, "dir");
  return 1;
}

/* ------------------------------------------------------ handle counts */

/* What NtQueryObject(ObjectBasicInformation) gives; the SDK headers of
** mingw-w64 declare the function but not this record. */
typedef struct objectinfo {
  ULONG attributes;
  ACCESS_MASK access;
  ULONG handles;
  ULONG pointers;
  ULONG reserved[10];
} objectinfo;

typedef NTSTATUS (NTAPI *queryobject_fn) (HANDLE, int, PVOID, ULONG, PULONG);

/*
** _sys.handles(name) -> the handles all processes hold to the mapping
** 'name' (this query's own not counted) | nil, message when no mapping
** has that name.  The recorder's way to see that a game let its region go.
*/
static int sys_handles (lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  wchar_t w[MAX_PATH + 1];
  queryobject_fn query = (queryobject_fn)(void (*) (void))GetProcAddress(
      GetModuleHandleW(L"ntdll.dll"), "NtQueryObject");
  objectinfo oi;
  ULONG got;
  HANDLE h;
  NTSTATUS st;
  if (MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, name, -1, w, MAX_PATH + 1) == 0)
    return luaL_argerror(L, 1, "not a valid name");
  if (query == NULL) {
    luaL_pushfail(L);
    lua_pushliteral(L, "NtQueryObject is missing");
    return 2;
  }
  h = OpenFileMappingW(FILE_MAP_READ, FALSE, w);
  if (h == NULL) {
    luaL_pushfail(L);
    lua_pushfstring(L, "no mapping '%s' (error %d)", name, (int)GetLastError());
    return 2;
  }
  st = query(h, 0 /* ObjectBasicInformation */, &oi, sizeof(oi), &got);
  CloseHandle(h);
  if (st != 0) {
    luaL_pushfail(L);
    lua_pushfstring(L, "NtQueryObject failed (status 0x%x)", (unsigned)st);
    return 2;
  }
  lua_pushinteger(L, (lua_Integer)oi.handles - 1);
  return 1;
}

/* ------------------------------------------------ object directories */

/* What ntdll exports and the SDK headers of mingw-w64 do not declare. */
typedef struct dirinfo {
  UNICODE_STRING name;
  UNICODE_STRING type;
} dirinfo;

typedef struct sectioninfo {
  PVOID base;
  ULONG attributes;
  LARGE_INTEGER size;
} sectioninfo;

typedef NTSTATUS (NTAPI *opendir_fn) (PHANDLE, ACCESS_MASK, POBJECT_ATTRIBUTES);
typedef NTSTATUS (NTAPI *querydir_fn) (HANDLE, PVOID, ULONG, BOOLEAN, BOOLEAN,
                                       PULONG, PULONG);
typedef NTSTATUS (NTAPI *opensection_fn) (PHANDLE, ACCESS_MASK,
                                          POBJECT_ATTRIBUTES);
typedef NTSTATUS (NTAPI *querysection_fn) (HANDLE, int, PVOID, SIZE_T,
                                           PSIZE_T);

#define DIRECTORY_QUERY   0x0001
#define SECTION_QUERY_    0x0001
#define BASICINFO         0      /* SectionBasicInformation */

typedef struct ntapi {
  opendir_fn opendir;
  querydir_fn querydir;
  opensection_fn opensection;
  querysection_fn querysection;
} ntapi;

static int loadnt (ntapi *nt) {
  HMODULE h = GetModuleHandleW(L"ntdll.dll");
  if (h == NULL) return 0;
  nt->opendir = (opendir_fn)(void (*) (void))GetProcAddress(h, "NtOpenDirectoryObject");
  nt->querydir = (querydir_fn)(void (*) (void))GetProcAddress(h, "NtQueryDirectoryObject");
  nt->opensection = (opensection_fn)(void (*) (void))GetProcAddress(h, "NtOpenSection");
  nt->querysection = (querysection_fn)(void (*) (void))GetProcAddress(h, "NtQuerySection");
  return nt->opendir && nt->querydir && nt->opensection && nt->querysection;
}

/* Push a counted UTF-16 string as UTF-8. */
static void pushwide (lua_State *L, const UNICODE_STRING *u) {
  int wn = (int)(u->Length / sizeof(WCHAR));
  int n = WideCharToMultiByte(CP_UTF8, 0, u->Buffer, wn, NULL, 0, NULL, NULL);
  luaL_Buffer b;
  char *p = luaL_buffinitsize(L, &b, (size_t)(n > 0 ? n : 1));
  if (n > 0) WideCharToMultiByte(CP_UTF8, 0, u->Buffer, wn, p, n, NULL, NULL);
  luaL_pushresultsize(&b, (size_t)(n > 0 ? n : 0));
}

/* The size of section 'name' in directory 'dir', or -1. */
static LONGLONG sectionsize (const ntapi *nt, HANDLE dir, UNICODE_STRING *name) {
  OBJECT_ATTRIBUTES oa;
  HANDLE h;
  sectioninfo si;
  SIZE_T got;
  LONGLONG size = -1;
  InitializeObjectAttributes(&oa, name, 0, dir, NULL);
  if (nt->opensection(&h, SECTION_QUERY_, &oa) != 0) return -1;
  if (nt->querysection(h, BASICINFO, &si, sizeof(si), &got) == 0)
    size = si.size.QuadPart;
  CloseHandle(h);
  return size;
}

/* Append the objects of directory 'path' (a kernel path) to the table at
** the top, as namespace 'ns'; *n counts them. */
static void listdir (lua_State *L, const ntapi *nt, const wchar_t *path,
                     const char *ns, int *n) {
  UNICODE_STRING upath;
  OBJECT_ATTRIBUTES oa;
  HANDLE dir;
  ULONG ctx = 0, got;
  union { dirinfo d; char bytes[4096]; } buf;
  upath.Buffer = (PWSTR)(uintptr_t)path;   /* only read */
  upath.Length = (USHORT)(wcslen(path) * sizeof(WCHAR));
  upath.MaximumLength = upath.Length;
  InitializeObjectAttributes(&oa, &upath, 0, NULL, NULL);
  if (nt->opendir(&dir, DIRECTORY_QUERY, &oa) != 0) return;
  while (nt->querydir(dir, &buf, sizeof(buf), TRUE, ctx == 0, &ctx, &got) == 0) {
    dirinfo *d = &buf.d;
    LONGLONG size = -1;
    if (d->type.Length == 7 * sizeof(WCHAR)
        && wcsncmp(d->type.Buffer, L"Section", 7) == 0)
      size = sectionsize(nt, dir, &d->name);
    lua_createtable(L, 0, 4);
    lua_pushstring(L, ns);
    lua_setfield(L, -2, "ns");
    pushwide(L, &d->name);
    lua_setfield(L, -2, "name");
    pushwide(L, &d->type);
    lua_setfield(L, -2, "type");
    if (size >= 0) {
      lua_pushinteger(L, (lua_Integer)size);
      lua_setfield(L, -2, "size");
    }
    lua_rawseti(L, -2, ++*n);
  }
  CloseHandle(dir);
}

static int sys_objects (lua_State *L) {
  ntapi nt;
  DWORD session = 0;
  wchar_t local[64];
  int n = 0;
  if (!loadnt(&nt)) {
    luaL_pushfail(L);
    lua_pushliteral(L, "the object directory functions of ntdll are missing");
    return 2;
  }
  ProcessIdToSessionId(GetCurrentProcessId(), &session);
  swprintf(local, sizeof(local) / sizeof(local[0]),
           L"\\Sessions\\%lu\\BaseNamedObjects", (unsigned long)session);
  lua_newtable(L);
  listdir(L, &nt, local, "Local", &n);
  listdir(L, &nt, L"\\BaseNamedObjects", "Global", &n);
  return 1;
}

static const luaL_Reg sysfuncs[] = {
  {"sleep", sys_sleep},
  {"isatty", sys_isatty},
  {"clock", sys_clock},
  {"time", sys_time},
  {"pid", sys_pid},
  {"create", sys_create},
  {"handles", sys_handles},
  {"scandir", sys_scandir},
  {"stat", sys_stat},
  {"objects", sys_objects},
  {NULL, NULL}
};

void wshm_open_tools (lua_State *L) {
  luaL_newlib(L, sysfuncs);
  lua_setfield(L, -2, "_sys");
}
