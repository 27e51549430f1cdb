/*
** sync_win32.c -- named mutexes and auto-reset events on Windows: kernel
** objects (CreateMutexW, CreateEventW) whose names are passed through,
** namespace prefix included, so other programs' objects of the same name
** are the same objects.  Windows mutexes are recursive by nature, which
** is the behaviour winshm promises on every system.
**
** Windows keeps mutexes, events and file mappings in one namespace: a
** mutex cannot take the name of a region (CreateMutexW fails with
** ERROR_INVALID_HANDLE).
*/
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <stdio.h>
#include <string.h>

#include "backend.h"

#define WNAMEMAX  (WSHM_SYNCNAMEMAX + 16)

void wshm_os_sync_init (wshm_sync *s) {
  memset(s, 0, sizeof(*s));
  wshm_os_init(&s->r);
  s->handle = 0;
}

int wshm_os_synccheckname (const char *name, size_t len, wshm_err *e) {
  if (len - wshm_nsprefix(name, len) <= WSHM_SYNCNAMEMAX) return 1;
  e->kind = WSHM_ENAME;
  e->code = "ENAMETOOLONG";
  e->sys = 0;
  snprintf(e->msg, sizeof(e->msg), "invalid name: longer than %d bytes",
           WSHM_SYNCNAMEMAX);
  return 0;
}

/* The name as UTF-16 into w (WNAMEMAX wide characters); 0 if it cannot
** be converted. */
static int widename (const char *name, size_t len, wchar_t *w) {
  int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, name, (int)len,
                              w, WNAMEMAX - 1);
  if (n <= 0) return 0;
  w[n] = L'\0';
  return 1;
}

/*
** Create or open the object: 'mutex' chooses CreateMutexW (not owned)
** or CreateEventW (auto-reset, not set).  1, or 0 and e.
*/
static int openobj (wshm_sync *s, const char *name, size_t len, int mutex,
                    wshm_err *e) {
  wchar_t w[WNAMEMAX];
  HANDLE h;
  const char *kind = mutex ? WSHM_EMUTEX : WSHM_EEVENT;
  wshm_os_sync_init(s);
  snprintf(s->r.id, sizeof(s->r.id), "%.*s", (int)len, name);
  if (!widename(name, len, w)) {
    wshm_os_seterr(e, WSHM_ENAME, (long)GetLastError(), "convert", s->r.id);
    return 0;
  }
  h = mutex ? CreateMutexW(NULL, FALSE, w) : CreateEventW(NULL, FALSE, FALSE, w);
  if (h == NULL) {
    DWORD err = GetLastError();
    wshm_os_seterr(e, kind, (long)err, "create", s->r.id);
    if (err == ERROR_INVALID_HANDLE) {  /* the name is another object's */
      e->kind = WSHM_EEXISTS;
      e->code = "EEXIST";
      snprintf(e->msg, sizeof(e->msg), "%s: cannot create '%s': the name "
               "belongs to another kind of object (region, mutex or event)",
               kind, s->r.id);
    }
    return 0;
  }
  s->handle = (intptr_t)h;
  s->open = 1;
  return 1;
}

/* Wait on the object for at most timeout_ms. */
static enum wshm_wait waitobj (wshm_sync *s, long timeout_ms,
                               const char *kind, wshm_err *e) {
  DWORD ms = timeout_ms == WSHM_INFINITE ? INFINITE : (DWORD)timeout_ms;
  switch (WaitForSingleObject((HANDLE)s->handle, ms)) {
    case WAIT_OBJECT_0: return WSHM_WAIT_OK;
    case WAIT_ABANDONED: return WSHM_WAIT_ABANDONED;
    case WAIT_TIMEOUT: return WSHM_WAIT_TIMEOUT;
    default:
      wshm_os_seterr(e, kind, (long)GetLastError(), "wait for", s->r.id);
      return WSHM_WAIT_FAILED;
  }
}

static void closeobj (wshm_sync *s) {
  HANDLE h = (HANDLE)s->handle;
  s->open = 0;
  s->handle = 0;
  if (h != NULL)
    CloseHandle(h);
}

/* -------------------------------------------------------------- mutex */

int wshm_os_mutex_open (wshm_sync *s, const char *name, size_t len,
                        const wshm_syncopts *o, wshm_err *e) {
  (void)o;
  return openobj(s, name, len, 1, e);
}

enum wshm_wait wshm_os_mutex_lock (wshm_sync *s, long timeout_ms,
                                   wshm_err *e) {
  return waitobj(s, timeout_ms, WSHM_EMUTEX, e);
}

enum wshm_wait wshm_os_mutex_unlock (wshm_sync *s, wshm_err *e) {
  DWORD err;
  if (ReleaseMutex((HANDLE)s->handle)) return WSHM_WAIT_OK;
  err = GetLastError();
  if (err == ERROR_NOT_OWNER) return WSHM_WAIT_NOTOWNER;
  wshm_os_seterr(e, WSHM_EMUTEX, (long)err, "unlock", s->r.id);
  return WSHM_WAIT_FAILED;
}

void wshm_os_mutex_close (wshm_sync *s) {
  closeobj(s);
}

/* -------------------------------------------------------------- event */

int wshm_os_event_open (wshm_sync *s, const char *name, size_t len,
                        const wshm_syncopts *o, wshm_err *e) {
  (void)o;
  return openobj(s, name, len, 0, e);
}

int wshm_os_event_set (wshm_sync *s, wshm_err *e) {
  if (SetEvent((HANDLE)s->handle)) return 1;
  wshm_os_seterr(e, WSHM_EEVENT, (long)GetLastError(), "set", s->r.id);
  return 0;
}

enum wshm_wait wshm_os_event_wait (wshm_sync *s, long timeout_ms,
                                   wshm_err *e) {
  return waitobj(s, timeout_ms, WSHM_EEVENT, e);
}

void wshm_os_event_close (wshm_sync *s) {
  closeobj(s);
}

void wshm_os_yield (void) {
  SwitchToThread();
}

uint64_t wshm_os_msec (void) {
  return (uint64_t)GetTickCount64();
}
