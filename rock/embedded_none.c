/*
** embedded_none.c -- an empty table of embedded Lua parts, for builds
** that install lua/winshm/*.lua as ordinary Lua modules instead of
** compiling them in (the rockspec).  The Makefile generates the real
** table (scripts/embed.lua) and does not use this file.
*/
#include "embedded.h"

const wshm_embedded wshm_embedded_modules[] = {
  {0, 0, 0, 0}
};
