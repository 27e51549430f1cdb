/*
** hidden.h -- WSHM_HIDE_BEGIN and WSHM_HIDE_END enclose the declarations
** of every header of winshm, so that the module exports luaopen_winshm
** and nothing else, also when it is built without -fvisibility=hidden
** (luarocks' builtin build).  Each header includes what it needs first:
** nothing outside winshm may be declared between the two.
*/
#ifndef WINSHM_HIDDEN_H
#define WINSHM_HIDDEN_H

#if defined(__GNUC__) && !defined(_WIN32)
#define WSHM_HIDE_BEGIN  _Pragma("GCC visibility push(hidden)")
#define WSHM_HIDE_END    _Pragma("GCC visibility pop")
#else
#define WSHM_HIDE_BEGIN
#define WSHM_HIDE_END
#endif

#endif
