/*
** tools.h -- what the two implementations of shm._sys (tools_posix.c,
** tools_win32.c) agree on.
*/
#ifndef WSHM_TOOLS_H
#define WSHM_TOOLS_H

/* The longest pause _sys.sleep takes, in seconds (fits a DWORD of ms). */
#define WSHM_MAXSLEEP  1e6

#endif
