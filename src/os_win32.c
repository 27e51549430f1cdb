/*
** os_win32.c -- regions on Win32 named file mappings backed by the paging
** file (CreateFileMappingW / OpenFileMappingW / MapViewOfFile).
**
** - The system keeps a mapping while any handle or view of it is open and
**   removes it with the last one: nothing for winshm to manage.
** - Names are UTF-8 for Lua and UTF-16 for the system; a "Local\" or
**   "Global\" namespace prefix goes through as it is.
** - The size of an existing mapping is what VirtualQuery says of a view of
**   it: whole pages.  It is checked before any byte is touched.
** - A new mapping gets the default security of the process (its token's
**   default DACL) unless opts.sddl gives a security descriptor.
*/
#include <windows.h>
#include <sddl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "backend.h"

#define NAMEMAX   MAX_PATH    /* UTF-16 units in an object name */

/* ------------------------------------------------------------- errors */

/* GetLastError() values in the portable terms POSIX errno gives: the
** symbols of errno_posix.c's table, so a code means one thing on both. */
static const struct { DWORD no; const char *sym; } codes[] = {
  {ERROR_FILE_NOT_FOUND, "ENOENT"}, {ERROR_PATH_NOT_FOUND, "ENOENT"},
  {ERROR_ACCESS_DENIED, "EACCES"}, {ERROR_PRIVILEGE_NOT_HELD, "EPERM"},
  {ERROR_ALREADY_EXISTS, "EEXIST"}, {ERROR_FILE_EXISTS, "EEXIST"},
  {ERROR_NOT_ENOUGH_MEMORY, "ENOMEM"}, {ERROR_OUTOFMEMORY, "ENOMEM"},
  {ERROR_COMMITMENT_LIMIT, "ENOMEM"}, {ERROR_NO_SYSTEM_RESOURCES, "ENOMEM"},
  {ERROR_INVALID_PARAMETER, "EINVAL"}, {ERROR_INVALID_NAME, "EINVAL"},
  {ERROR_BAD_PATHNAME, "EINVAL"}, {ERROR_INVALID_ADDRESS, "EINVAL"},
  {ERROR_INVALID_SECURITY_DESCR, "EINVAL"}, {ERROR_INVALID_ACL, "EINVAL"},
  {ERROR_INVALID_SID, "EINVAL"}, {ERROR_INVALID_HANDLE, "EBADF"},
  {ERROR_FILENAME_EXCED_RANGE, "ENAMETOOLONG"}, {ERROR_DISK_FULL, "ENOSPC"},
  {ERROR_TOO_MANY_OPEN_FILES, "EMFILE"}, {ERROR_SHARING_VIOLATION, "EBUSY"},
  {ERROR_LOCK_VIOLATION, "EBUSY"}, {ERROR_BUSY, "EBUSY"},
  {ERROR_NOT_SUPPORTED, "ENOTSUP"}, {ERROR_WRITE_PROTECT, "EROFS"},
  {ERROR_DIRECTORY, "ENOTDIR"}, {ERROR_CANT_RESOLVE_FILENAME, "ELOOP"},
  {ERROR_NOT_OWNER, "EPERM"}, {ERROR_TIMEOUT, "ETIMEDOUT"},
  {ERROR_SEM_TIMEOUT, "ETIMEDOUT"}, {ERROR_POSSIBLE_DEADLOCK, "EDEADLK"},
  {ERROR_BUFFER_OVERFLOW, "ENAMETOOLONG"}, {ERROR_NOT_SAME_DEVICE, "EXDEV"},
  {ERROR_INVALID_FUNCTION, "ENOSYS"}, {ERROR_CALL_NOT_IMPLEMENTED, "ENOSYS"},
  {ERROR_NOACCESS, "EFAULT"}, {ERROR_DEV_NOT_EXIST, "ENODEV"},
  {ERROR_BAD_UNIT, "ENODEV"},
  {0, NULL}
};

static const char *codeof (long no) {
  int i;
  for (i = 0; codes[i].sym != NULL; i++)
    if ((long)codes[i].no == no) return codes[i].sym;
  return "EIO";
}

/* Errors that mean the size asked for cannot be had. */
static int toolarge (DWORD no) {
  return no == ERROR_NOT_ENOUGH_MEMORY || no == ERROR_COMMITMENT_LIMIT
         || no == ERROR_OUTOFMEMORY || no == ERROR_DISK_FULL
         || no == ERROR_NO_SYSTEM_RESOURCES;
}

/* Cut s (NUL-terminated) back so that it ends on a whole UTF-8 sequence. */
static void utf8trim (char *s) {
  size_t n = strlen(s), i = n, need;
  unsigned char c;
  while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80) i--;
  if (i == 0) return;
  c = (unsigned char)s[i - 1];
  need = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
  if (n - (i - 1) < need) s[i - 1] = '\0';
}

/* The system's text for 'sys' in UTF-8, without its closing ".\r\n". */
static void systext (DWORD sys, char *buf, int size) {
  WCHAR w[300];
  DWORD n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM
                           | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, sys,
                           MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT),
                           w, 300, NULL);
  int len;
  while (n > 0 && (w[n - 1] == L'\r' || w[n - 1] == L'\n'
                   || w[n - 1] == L' ' || w[n - 1] == L'.'))
    n--;
  len = n == 0 ? 0 : WideCharToMultiByte(CP_UTF8, 0, w, (int)n, buf,
                                         size - 1, NULL, NULL);
  if (len <= 0)
    snprintf(buf, (size_t)size, "system error %lu", (unsigned long)sys);
  else
    buf[len] = '\0';
}

void wshm_os_seterr (wshm_err *e, const char *kind, long sys,
                     const char *what, const char *name) {
  char text[1024];
  e->kind = kind;
  e->sys = sys;
  e->code = codeof(sys);
  systext((DWORD)sys, text, (int)sizeof(text));
  if (snprintf(e->msg, sizeof(e->msg), "%s: cannot %s '%s': %s (%s)",
               kind, what, name, text, e->code) >= (int)sizeof(e->msg))
    utf8trim(e->msg);
}

/* An error that is not the system's (sys = 0). */
static void seterr (wshm_err *e, const char *kind, const char *code,
                    const char *what, const char *name, const char *why) {
  e->kind = kind;
  e->code = code;
  e->sys = 0;
  if (snprintf(e->msg, sizeof(e->msg), "%s: cannot %s '%s': %s (%s)",
               kind, what, name, why, code) >= (int)sizeof(e->msg))
    utf8trim(e->msg);
}

/* -------------------------------------------------------------- names */

const char *wshm_os_objname (const char *name, size_t *len) {
  (void)len;  /* Windows knows the name as it is given, prefix and all */
  return name;
}

/* Why widename refused a name, for messages. */
static const char *const whynot[] = {
  NULL, "not valid UTF-8", "longer than 260 UTF-16 units"
};
enum { NAME_OK, NAME_NOTUTF8, NAME_TOOLONG };

/* The name as a NUL-terminated UTF-16 string in w (NAMEMAX + 1 units):
** NAME_OK, or why it cannot be one. */
static int widename (const char *name, size_t len, WCHAR *w) {
  int n;
  if (len > (size_t)INT_MAX / 2)
    return NAME_TOOLONG;
  n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, name, (int)len,
                          NULL, 0);
  if (n <= 0)
    return NAME_NOTUTF8;
  if (n > NAMEMAX)
    return NAME_TOOLONG;
  MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, name, (int)len, w, n);
  w[n] = L'\0';
  return NAME_OK;
}

int wshm_os_checkname (const char *name, size_t len, wshm_err *e) {
  WCHAR w[NAMEMAX + 1];
  int rc;
  const char *why;
  if (len == wshm_nsprefix(name, len)) {
    rc = NAME_NOTUTF8;
    why = "empty after its namespace prefix";
  }
  else if ((rc = widename(name, len, w)) == NAME_OK)
    return 1;
  else
    why = whynot[rc];
  e->kind = WSHM_ENAME;
  e->code = rc == NAME_TOOLONG ? "ENAMETOOLONG" : "EINVAL";
  e->sys = 0;
  snprintf(e->msg, sizeof(e->msg), "invalid name: %s", why);
  return 0;
}

/* ----------------------------------------------------------- helpers */

/* Bytes of address space a process has for its views. */
static uint64_t addressspace (void) {
  SYSTEM_INFO si;
  GetSystemInfo(&si);
  return (uint64_t)((const char *)si.lpMaximumApplicationAddress
                    - (const char *)si.lpMinimumApplicationAddress);
}

void wshm_os_init (wshm_region *r) {
  memset(r, 0, sizeof(*r));
  r->handle = (intptr_t)NULL;
}

/*
** The security descriptor opts.sddl describes, in *sd (LocalFree it).
** 0 and e when the text is not a valid descriptor.
*/
static int security (const char *sddl, PSECURITY_DESCRIPTOR *sd,
                     const char *name, wshm_err *e) {
  int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, sddl, -1,
                              NULL, 0);
  WCHAR *w;
  BOOL ok;
  DWORD err;
  if (n <= 0) {
    seterr(e, WSHM_ECREATE, "EINVAL", "create", name,
           "opts.sddl is not valid UTF-8");
    return 0;
  }
  w = (WCHAR *)HeapAlloc(GetProcessHeap(), 0, (SIZE_T)n * sizeof(WCHAR));
  if (w == NULL) {
    wshm_os_seterr(e, WSHM_ECREATE, ERROR_NOT_ENOUGH_MEMORY, "create", name);
    return 0;
  }
  MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, sddl, -1, w, n);
  ok = ConvertStringSecurityDescriptorToSecurityDescriptorW(
           w, SDDL_REVISION_1, sd, NULL);
  err = GetLastError();
  HeapFree(GetProcessHeap(), 0, w);
  if (!ok) {
    wshm_os_seterr(e, WSHM_ECREATE, err ? (long)err : ERROR_INVALID_PARAMETER,
                   "create (opts.sddl)", name);
    return 0;
  }
  return 1;
}

/* ------------------------------------------------------ create, open */

/*
** A mapping of o->size bytes under w, or the existing one when 'how' is
** WSHM_GET_OR_CREATE (*created tells which).  NULL and e on failure.
*/
static HANDLE createmapping (const WCHAR *w, const char *name,
                             enum wshm_how how, const wshm_ropts *o,
                             int *created, wshm_err *e) {
  SECURITY_ATTRIBUTES sa, *psa = NULL;
  PSECURITY_DESCRIPTOR sd = NULL;
  HANDLE h;
  DWORD err;
  if (o->size == 0) {
    seterr(e, WSHM_ECREATE, "EINVAL", "create", name, "size 0");
    return NULL;
  }
  if (o->size > addressspace()) {  /* could never be mapped whole */
    wshm_os_seterr(e, WSHM_ETOOLARGE, ERROR_NOT_ENOUGH_MEMORY, "create", name);
    return NULL;
  }
  if (o->sddl != NULL) {
    if (!security(o->sddl, &sd, name, e)) return NULL;
    sa.nLength = sizeof(sa);
    sa.lpSecurityDescriptor = sd;
    sa.bInheritHandle = FALSE;
    psa = &sa;
  }
  SetLastError(0);
  h = CreateFileMappingW(INVALID_HANDLE_VALUE, psa, PAGE_READWRITE,
                         (DWORD)(o->size >> 32), (DWORD)(o->size & 0xFFFFFFFFu),
                         w);
  err = GetLastError();
  if (sd != NULL) LocalFree(sd);
  if (h == NULL) {
    if (err == ERROR_INVALID_HANDLE)  /* a mutex, event... has the name */
      seterr(e, how == WSHM_CREATE ? WSHM_EEXISTS : WSHM_ECREATE, "EEXIST",
             "create", name, "the name belongs to another kind of object");
    else
      wshm_os_seterr(e, toolarge(err) ? WSHM_ETOOLARGE : WSHM_ECREATE,
                     (long)err, "create", name);
    return NULL;
  }
  *created = (err != ERROR_ALREADY_EXISTS);
  if (!*created && how == WSHM_CREATE) {
    CloseHandle(h);
    wshm_os_seterr(e, WSHM_EEXISTS, ERROR_ALREADY_EXISTS, "create", name);
    return NULL;
  }
  return h;
}

/* The existing mapping under w, for reading (and writing).  NULL and e. */
static HANDLE openmapping (const WCHAR *w, const char *name, int writable,
                           wshm_err *e) {
  DWORD access = writable ? FILE_MAP_READ | FILE_MAP_WRITE : FILE_MAP_READ;
  HANDLE h = OpenFileMappingW(access, FALSE, w);
  if (h == NULL) {
    DWORD err = GetLastError();
    if (err == ERROR_INVALID_HANDLE)
      seterr(e, WSHM_EOPEN, "EINVAL", "open", name,
             "the name belongs to another kind of object");
    else
      wshm_os_seterr(e, WSHM_EOPEN, (long)err, "open", name);
  }
  return h;
}

/*
** Map all of h into r; its size is what the system says of the view (whole
** pages).  'need' is the bytes the caller needs, checked before anything
** is touched.  0 and e on failure; h stays the caller's.
*/
static int map (wshm_region *r, HANDLE h, int writable, uint64_t need,
                const char *name, wshm_err *e) {
  MEMORY_BASIC_INFORMATION mbi;
  DWORD access = writable ? FILE_MAP_READ | FILE_MAP_WRITE : FILE_MAP_READ;
  void *p = MapViewOfFile(h, access, 0, 0, 0);
  if (p == NULL) {
    DWORD err = GetLastError();
    wshm_os_seterr(e, toolarge(err) ? WSHM_ETOOLARGE : WSHM_EMAP, (long)err,
                   "map", name);
    return 0;
  }
  if (VirtualQuery(p, &mbi, sizeof(mbi)) == 0) {
    DWORD err = GetLastError();
    UnmapViewOfFile(p);
    wshm_os_seterr(e, WSHM_EMAP, (long)err, "query the size of", name);
    return 0;
  }
  if ((uint64_t)mbi.RegionSize < need) {
    UnmapViewOfFile(p);
    e->kind = WSHM_ETOOSMALL;
    e->code = "EINVAL";
    e->sys = 0;
    snprintf(e->msg, sizeof(e->msg),
             "%s: region '%s' has %llu bytes, %llu needed", WSHM_ETOOSMALL,
             name, (unsigned long long)mbi.RegionSize,
             (unsigned long long)need);
    utf8trim(e->msg);
    return 0;
  }
  r->base = r->map = (unsigned char *)p;
  r->size = (uint64_t)mbi.RegionSize;
  r->writable = writable;
  return 1;
}

int wshm_os_open (wshm_region *r, const char *name, size_t len,
                  enum wshm_how how, const wshm_ropts *o, wshm_err *e) {
  WCHAR w[NAMEMAX + 1];
  int rc = widename(name, len, w);
  int writable = (how != WSHM_OPEN);
  int created = 0;
  HANDLE h;
  wshm_os_init(r);
  if (rc != NAME_OK) {  /* wshm_os_checkname has refused it already */
    seterr(e, WSHM_ENAME, "EINVAL", "use", name, whynot[rc]);
    return 0;
  }
  if (how == WSHM_CREATE || how == WSHM_GET_OR_CREATE)
    h = createmapping(w, name, how, o, &created, e);
  else
    h = openmapping(w, name, writable, e);
  if (h == NULL)
    return 0;
  if (!map(r, h, writable, o->size ? o->size : 1, name, e)) {
    CloseHandle(h);
    return 0;
  }
  r->handle = (intptr_t)h;
  r->created = created;
  snprintf(r->id, sizeof(r->id), "%s", name);
  utf8trim(r->id);
  return 1;
}

/* ------------------------------------------------------------- close */

void wshm_os_close (wshm_region *r) {
  void *map = r->map;
  HANDLE h = (HANDLE)r->handle;
  wshm_os_init(r);  /* closed first: a second close finds nothing */
  if (map != NULL)
    UnmapViewOfFile(map);
  if (h != NULL)
    CloseHandle(h);
}

/*
** Windows has no way to take a name away from its holders: a mapping goes
** with its last handle.  remove() says what happened, and never that the
** name went: EBUSY when the mapping exists (it is held, so it stays),
** otherwise why it cannot be opened (ENOENT: no such name; EACCES: it
** exists, closed to this process).
*/
int wshm_os_remove (const char *name, size_t len, wshm_err *e) {
  WCHAR w[NAMEMAX + 1];
  int rc = widename(name, len, w);
  HANDLE h;
  if (rc != NAME_OK) {
    seterr(e, WSHM_ENAME, "EINVAL", "remove", name, whynot[rc]);
    return 0;
  }
  h = OpenFileMappingW(FILE_MAP_READ, FALSE, w);
  if (h == NULL) {
    DWORD err = GetLastError();
    if (err == ERROR_INVALID_HANDLE)
      seterr(e, WSHM_EOPEN, "EINVAL", "remove", name,
             "the name belongs to another kind of object");
    else
      wshm_os_seterr(e, WSHM_EOPEN, (long)err, "remove", name);
    return 0;
  }
  CloseHandle(h);
  seterr(e, WSHM_EOPEN, "EBUSY", "remove", name, "a Windows mapping stays "
         "while anyone holds it and goes with its last handle");
  return 0;
}
