/*
** errno_posix.c -- failures of the POSIX backend in portable terms: the
** one errno -> code table (os_win32.c maps GetLastError() values onto
** the same symbols) and the two ways an error is filled in.
*/
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "posix.h"

static const struct { int no; const char *sym; } codes[] = {
  {ENOENT, "ENOENT"}, {EACCES, "EACCES"}, {EPERM, "EPERM"},
  {EEXIST, "EEXIST"}, {ENOMEM, "ENOMEM"}, {EINVAL, "EINVAL"},
  {EFBIG, "EFBIG"}, {ENOSPC, "ENOSPC"}, {EMFILE, "EMFILE"},
  {ENFILE, "ENFILE"}, {ENAMETOOLONG, "ENAMETOOLONG"}, {EAGAIN, "EAGAIN"},
  {EBUSY, "EBUSY"}, {EINTR, "EINTR"}, {ENOTSUP, "ENOTSUP"},
  {EOVERFLOW, "EOVERFLOW"}, {EROFS, "EROFS"}, {EBADF, "EBADF"},
  {ELOOP, "ELOOP"}, {EISDIR, "EISDIR"}, {ENOTDIR, "ENOTDIR"},
  {ENXIO, "ENXIO"}, {ENODEV, "ENODEV"}, {ETXTBSY, "ETXTBSY"},
  {EXDEV, "EXDEV"}, {EMLINK, "EMLINK"}, {ETIMEDOUT, "ETIMEDOUT"},
  {EDEADLK, "EDEADLK"}, {EOWNERDEAD, "EOWNERDEAD"},
  {ENOTRECOVERABLE, "ENOTRECOVERABLE"}, {EFAULT, "EFAULT"},
  {ENOSYS, "ENOSYS"}, {EDQUOT, "EDQUOT"},
  {0, NULL}
};

const char *wshm_posix_code (int en) {
  int i;
  for (i = 0; codes[i].sym != NULL; i++)
    if (codes[i].no == en) return codes[i].sym;
  return "EIO";
}

void wshm_os_seterr (wshm_err *e, const char *kind, long sys,
                     const char *what, const char *name) {
  e->kind = kind;
  e->sys = sys;
  e->code = wshm_posix_code((int)sys);
  snprintf(e->msg, sizeof(e->msg), "%s: cannot %s '%s': %s (%s)",
           kind, what, name, strerror((int)sys), e->code);
}

void wshm_posix_fail (wshm_err *e, const char *kind, const char *code,
                      const char *what, const char *name, const char *fmt,
                      ...) {
  char why[160];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof(why), fmt, ap);
  va_end(ap);
  e->kind = kind;
  e->code = code;
  e->sys = 0;
  snprintf(e->msg, sizeof(e->msg), "%s: cannot %s '%s': %s (%s)",
           kind, what, name, why, code);
}
