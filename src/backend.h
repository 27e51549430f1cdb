/*
** backend.h -- the one narrow interface between winshm and the operating
** system.  Two implementations: os_posix.c (shm_open/mmap) and
** os_win32.c (CreateFileMappingW/MapViewOfFile); the Makefile picks one.
** Nothing here knows about Lua.
*/
#ifndef WINSHM_BACKEND_H
#define WINSHM_BACKEND_H

#include <stddef.h>
#include <stdint.h>

/* Error kinds (API.md section 2). */
#define WSHM_EOPEN      "OpenMapping"
#define WSHM_ECREATE    "CreateMapping"
#define WSHM_EMAP       "MapView"
#define WSHM_EEXISTS    "AlreadyExists"
#define WSHM_ETOOLARGE  "SizeTooLarge"
#define WSHM_ETOOSMALL  "RegionTooSmall"
#define WSHM_ENAME      "InvalidName"

/* An operating-system failure, in portable terms. */
typedef struct wshm_err {
  const char *kind;   /* one of the WSHM_E* kinds above */
  const char *code;   /* portable symbol: "ENOENT", "EACCES", ... */
  long sys;           /* errno or GetLastError() */
  char msg[256];      /* the system's own text (UTF-8) */
} wshm_err;

/* How a region is acquired. */
enum wshm_how {
  WSHM_CREATE,          /* new, zero-filled; fails if the name is taken */
  WSHM_GET_OR_CREATE,   /* open if present, else create */
  WSHM_OPEN,            /* existing, read-only */
  WSHM_OPEN_EXISTING    /* existing, read-write */
};

typedef struct wshm_ropts {
  uint64_t size;        /* bytes to create; minimum bytes to open (0: any) */
  int persist;          /* POSIX: keep the object after the last handle */
  unsigned mode;        /* POSIX permission bits of a new object */
  const char *sddl;     /* Windows: security descriptor of a new object */
} wshm_ropts;

/*
** A mapped region.  'base' is NULL while nothing is mapped; the handle
** fields belong to the backend.  A zeroed struct is a closed region.
*/
typedef struct wshm_region {
  unsigned char *base;  /* first mapped byte */
  uint64_t size;        /* bytes mapped (what link:size() reports) */
  intptr_t handle;      /* fd or HANDLE; -1/NULL when closed */
  int writable;         /* mapped for writing */
  int created;          /* this handle created the object */
  int managed;          /* POSIX: remove the object after its last handle */
  char id[272];         /* the system's name of the object */
} wshm_region;

/* Values a closed region holds. */
void wshm_os_init (wshm_region *r);

/*
** Create or open the object called 'name' (UTF-8, 'len' bytes, already
** checked by wshm_checkname) as 'how' asks, and map it whole.  On
** success returns 1 with 'r' filled; on failure returns 0 with 'e'
** filled and nothing left open.  RegionTooSmall when an existing object
** is smaller than o->size, checked before memory is touched.
*/
int wshm_os_open (wshm_region *r, const char *name, size_t len,
                  enum wshm_how how, const wshm_ropts *o, wshm_err *e);

/* Unmap and close; removes a managed object after its last handle.
** Safe on a closed region. */
void wshm_os_close (wshm_region *r);

/* Remove the name now (POSIX: shm_unlink).  1 on success, else 0 and e. */
int wshm_os_remove (const char *name, size_t len, wshm_err *e);

/* Platform part of name checking: fills e (InvalidName) and returns 0
** when the platform cannot take the name. */
int wshm_os_checkname (const char *name, size_t len, wshm_err *e);

/* Page size of the system, for rounding and reporting. */
size_t wshm_os_pagesize (void);

/* Fill 'e' with an error of 'kind' for the system error 'sys'. */
void wshm_os_seterr (wshm_err *e, const char *kind, long sys,
                     const char *what, const char *name);

#endif
