/*
** host.c -- the winshm executable.  The command line of the standalone
** Lua 5.4 interpreter (options, the 'arg' table, LUA_INIT, tracebacks,
** the interactive loop) with the winshm module built in, plus
** 'winshm COMMAND [args]' for the tools: a command NAME is the Lua module
** "winshm.cmd.NAME" (lua/winshm/cmd/NAME.lua, embedded like every Lua
** part), which returns a function called with the command's arguments.
** Built with WSHM_READLINE (the Makefile's choice when GNU readline is
** installed), the interactive loop has line editing and history, as
** Debian's lua5.4 (LUA_USE_READLINE) has.
*/
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>   /* isatty (mingw-w64 provides it too) */

#include "lua.h"
#include "lualib.h"
#include "lauxlib.h"

#include "winshm.h"

/* ============================================ what differs by platform */

#if defined(WSHM_READLINE)
#include <readline/readline.h>
#include <readline/history.h>

static void initreadline (void) {
  rl_readline_name = "winshm";  /* for $if winshm in ~/.inputrc */
}

/* Show 'prompt', read a line with editing; push it (0: end of input). */
static int readline_push (lua_State *L, const char *prompt) {
  char *line = readline(prompt);
  if (line == NULL) return 0;
  lua_pushstring(L, line);
  free(line);
  return 1;
}

static void saveline (const char *line) {
  if (line[0] != '\0') add_history(line);
}

#else

static void initreadline (void) {
}

/* Show 'prompt', push the next line of stdin without its end of line;
** 0 (nothing pushed) at the end of input. */
static int readline_push (lua_State *L, const char *prompt) {
  luaL_Buffer b;
  int c = EOF;
  size_t n;
  fputs(prompt, stdout);
  fflush(stdout);
  luaL_buffinit(L, &b);
  while ((c = getchar()) != EOF && c != '\n')
    luaL_addchar(&b, (char)c);
  n = luaL_bufflen(&b);
  if (n > 0 && luaL_buffaddr(&b)[n - 1] == '\r') luaL_buffsub(&b, 1);
  luaL_pushresult(&b);
  if (c == EOF && n == 0) {
    lua_pop(L, 1);
    return 0;
  }
  return 1;
}

static void saveline (const char *line) {
  (void)line;
}

#endif

#if defined(_WIN32)

static void setsignal (int sig, void (*handler) (int)) {
  signal(sig, handler);  /* the C runtime has no sigaction */
}

#else

/* As lua.c does: sigaction, no SA_RESTART, nothing else blocked. */
static void setsignal (int sig, void (*handler) (int)) {
  struct sigaction sa;
  sa.sa_handler = handler;
  sa.sa_flags = 0;
  sigemptyset(&sa.sa_mask);
  sigaction(sig, &sa, NULL);
}

#endif

#define HAS_ERROR   1   /* bad option: print usage */
#define HAS_I       2   /* -i */
#define HAS_V       4   /* -v */
#define HAS_E       8   /* -e */
#define HAS_NOENV   16  /* -E */
#define HAS_HELP    32  /* --help, -h */

#define CMD_PREFIX  "winshm.cmd."
#define EOFMARK     "<eof>"

/* What the command line asks for; pmain's only argument. */
typedef struct hostargs {
  int argc;
  char **argv;
  const char *progname;   /* prefix of messages; NULL inside the REPL */
  int flags;              /* HAS_* */
  int script;             /* argv index of the script or command; 0: none */
  const char *bad;        /* the offending option when HAS_ERROR */
} hostargs;

/* ============================================================ messages */

static void message (const hostargs *h, const char *msg) {
  if (h->progname != NULL) fprintf(stderr, "%s: ", h->progname);
  fprintf(stderr, "%s\n", msg);
  fflush(stderr);
}

/* Print the error at the top of the stack (if status is an error). */
static int report (lua_State *L, const hostargs *h, int status) {
  if (status != LUA_OK) {
    const char *msg = lua_tostring(L, -1);
    message(h, msg != NULL ? msg : "(error object is not a string)");
    lua_pop(L, 1);
  }
  return status;
}

static void usage (const hostargs *h, FILE *out) {
  fprintf(out,
    "usage: %s [options] [script [args]]\n"
    "       %s COMMAND [args]\n"
    "Available options are:\n"
    "  -e stat   execute string 'stat'\n"
    "  -i        enter interactive mode after executing 'script'\n"
    "  -l mod    require library 'mod' into global 'mod'\n"
    "  -l g=mod  require library 'mod' into global 'g'\n"
    "  -v        show version information\n"
    "  -E        ignore environment variables\n"
    "  -W        turn warnings on\n"
    "  -h, --help  show this help\n"
    "  --        stop handling options\n"
    "  -         stop handling options and execute stdin\n"
    "'require \"winshm\"' needs no LUA_CPATH: the module is built in.\n"
    "A NAME of letters, digits, '_' and '-' that is not a file runs the\n"
    "command NAME (the Lua module winshm.cmd.NAME); anything else, such as\n"
    "a path or a name ending in '.lua', is a script.  'winshm help' lists\n"
    "the commands.\n",
    h->progname, h->progname);
  fflush(out);
}

static void badoption (const hostargs *h) {
  const char *o = h->bad;
  fprintf(stderr, "%s: ", h->progname);
  if ((o[1] == 'e' || o[1] == 'l') && o[2] == '\0')
    fprintf(stderr, "'%s' needs argument\n", o);
  else
    fprintf(stderr, "unrecognized option '%s'\n", o);
  usage(h, stderr);
}

static void version (void) {
  printf("winshm %s  %s\n", WSHM_VERSION, LUA_COPYRIGHT);
  fflush(stdout);
}

/* ======================================================= the options */

/* The HAS_* flag an option sets (-W and -l act in runargs only). */
static int optionflag (int opt) {
  switch (opt) {
    case 'E': return HAS_NOENV;
    case 'i': return HAS_I | HAS_V;  /* the REPL starts with the banner */
    case 'v': return HAS_V;
    case 'h': return HAS_HELP;
    case 'e': return HAS_E;
    default: return 0;
  }
}

/*
** Scan argv up to the script (or command) name, as lua.c does; fills
** h->flags and h->script, or sets HAS_ERROR and h->bad.  Options after
** the script are its own arguments.
*/
static void collectargs (hostargs *h) {
  char **argv = h->argv;
  int i;
  for (i = 1; argv[i] != NULL && argv[i][0] == '-'; i++) {
    const char *a = argv[i];
    switch (a[1]) {
      case '\0':  /* '-': execute stdin */
        h->script = i;
        return;
      case '-':
        if (strcmp(a, "--help") == 0) { h->flags |= HAS_HELP; break; }
        if (a[2] != '\0') goto bad;
        i++;  /* '--': the next argument (if any) is the script */
        h->script = argv[i] != NULL ? i : 0;
        return;
      case 'E': case 'W': case 'i': case 'v': case 'h':
        if (a[2] != '\0') goto bad;
        h->flags |= optionflag(a[1]);
        break;
      case 'e': case 'l':
        h->flags |= optionflag(a[1]);
        if (a[2] == '\0') {  /* the argument is the next word */
          if (argv[i + 1] == NULL || argv[i + 1][0] == '-') goto bad;
          i++;
        }
        break;
      default:
        goto bad;
    }
  }
  h->script = argv[i] != NULL ? i : 0;
  return;
bad:
  h->flags = HAS_ERROR;
  h->bad = argv[i];
}

/*
** The global 'arg': the script at 0, its arguments at 1.., the
** interpreter and its options at negative indices.
*/
static void createargtable (lua_State *L, const hostargs *h) {
  int i, script = h->script;
  lua_createtable(L, script > 0 ? h->argc - script - 1 : 0, script + 1);
  for (i = 0; i < h->argc; i++) {
    lua_pushstring(L, h->argv[i]);
    lua_rawseti(L, -2, i - script);
  }
  lua_setglobal(L, "arg");
}

/* ====================================================== running code */

/*
** Ctrl-C while Lua code runs: the signal handler can only reach the state
** through this one static, as in lua.c; it arms a hook that raises
** "interrupted!" at the next instruction, so to-be-closed variables and
** finalizers (which close links) still run.
*/
static lua_State *interruptible = NULL;

static void stophook (lua_State *L, lua_Debug *ar) {
  (void)ar;
  lua_sethook(L, NULL, 0, 0);
  luaL_error(L, "interrupted!");
}

static void onsigint (int sig) {
  int mask = LUA_MASKCALL | LUA_MASKRET | LUA_MASKLINE | LUA_MASKCOUNT;
  setsignal(sig, SIG_DFL);  /* a second Ctrl-C kills the process */
  lua_sethook(interruptible, stophook, mask, 1);
}

/* Error message handler: the message (or its __tostring) plus a traceback. */
static int msghandler (lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  if (msg == NULL) {
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
      return 1;  /* an error object that describes itself */
    msg = lua_pushfstring(L, "(error object is a %s value)",
                          luaL_typename(L, 1));
  }
  luaL_traceback(L, L, msg, 1);
  return 1;
}

/* Error message handler for commands: one line, no traceback. */
static int onelinehandler (lua_State *L) {
  luaL_tolstring(L, 1, NULL);
  return 1;
}

/* Call the function below its narg arguments, interruptible by Ctrl-C. */
static int docall (lua_State *L, int narg, int nres, lua_CFunction handler) {
  int status, base = lua_gettop(L) - narg;
  lua_pushcfunction(L, handler);
  lua_insert(L, base);
  interruptible = L;
  setsignal(SIGINT, onsigint);
  status = lua_pcall(L, narg, nres, base);
  setsignal(SIGINT, SIG_DFL);
  interruptible = NULL;
  lua_remove(L, base);
  return status;
}

static int dochunk (lua_State *L, const hostargs *h, int status) {
  if (status == LUA_OK) status = docall(L, 0, 0, msghandler);
  return report(L, h, status);
}

static int dostring (lua_State *L, const hostargs *h, const char *s,
                     const char *chunk) {
  return dochunk(L, h, luaL_loadbuffer(L, s, strlen(s), chunk));
}

/* -l mod, -l g=mod: require mod into the global g (mod up to a '-'). */
static int dolibrary (lua_State *L, const hostargs *h, const char *spec) {
  const char *eq = strchr(spec, '='), *mod = eq != NULL ? eq + 1 : spec;
  size_t glen = eq != NULL ? (size_t)(eq - spec) : strcspn(spec, "-");
  int status;
  lua_getglobal(L, "require");
  lua_pushstring(L, mod);
  status = docall(L, 1, 1, msghandler);
  if (status == LUA_OK) {
    lua_pushglobaltable(L);
    lua_pushlstring(L, spec, glen);
    lua_rotate(L, -3, -1);  /* globals, name, module */
    lua_settable(L, -3);
    lua_pop(L, 1);
  }
  return report(L, h, status);
}

/* Run -e, -l and -W in their order on the command line; 0 on failure. */
static int runargs (lua_State *L, const hostargs *h) {
  int i, last = h->script > 0 ? h->script : h->argc;
  for (i = 1; i < last; i++) {
    const char *a = h->argv[i], *extra;
    if (a[0] != '-') continue;
    extra = a[1] == 'e' || a[1] == 'l' ? (a[2] != '\0' ? a + 2 : h->argv[++i])
                                       : NULL;
    if (a[1] == 'W')
      lua_warning(L, "@on", 0);
    else if (a[1] == 'e' && dostring(L, h, extra, "=(command line)") != LUA_OK)
      return 0;
    else if (a[1] == 'l' && dolibrary(L, h, extra) != LUA_OK)
      return 0;
  }
  return 1;
}

/* LUA_INIT_5_4 or else LUA_INIT: '@file' runs the file, else the text. */
static int handle_luainit (lua_State *L, const hostargs *h) {
  const char *name = "=LUA_INIT_5_4";
  const char *init = getenv(name + 1);
  if (init == NULL) {
    name = "=LUA_INIT";
    init = getenv(name + 1);
  }
  if (init == NULL) return LUA_OK;
  if (init[0] == '@')
    return dochunk(L, h, luaL_loadfile(L, init + 1));
  return dostring(L, h, init, name);
}

/* Push the arguments after the script; returns how many. */
static int pushargs (lua_State *L, const hostargs *h) {
  int i, n = h->argc - h->script - 1;
  luaL_checkstack(L, n + 3, "too many arguments to script");
  for (i = 1; i <= n; i++)
    lua_pushstring(L, h->argv[h->script + i]);
  return n;
}

static int handle_script (lua_State *L, const hostargs *h) {
  const char *fname = h->argv[h->script];
  int status;
  if (strcmp(fname, "-") == 0 && strcmp(h->argv[h->script - 1], "--") != 0)
    fname = NULL;  /* stdin */
  status = luaL_loadfile(L, fname);
  if (status == LUA_OK)
    status = docall(L, pushargs(L, h), LUA_MULTRET, msghandler);
  return report(L, h, status);
}

/* ========================================================== commands */

/*
** Is argv[script] a command rather than a script?  A command NAME has
** only letters, digits, '_' and '-' (not first), does not follow '--',
** and names no file.
*/
static int iscommand (const hostargs *h) {
  static const char namechars[] = "abcdefghijklmnopqrstuvwxyz"
                                  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";
  const char *s = h->argv[h->script];
  FILE *f;
  if (strcmp(h->argv[h->script - 1], "--") == 0 || s[0] == '\0'
      || s[0] == '-' || s[strspn(s, namechars)] != '\0')
    return 0;
  if ((f = fopen(s, "r")) == NULL) return 1;
  fclose(f);
  return 0;
}

/*
** require "winshm.cmd.NAME" and leave its function on the stack: LUA_OK;
** LUA_ERRFILE (nothing pushed) when no such Lua module is preloaded or on
** package.path; another status with the error message when loading failed.
*/
static int loadcommand (lua_State *L, const char *name) {
  static const char find[] = "local m = ...\n"
    "return package.preload[m] ~= nil or package.searchpath(m, package.path)";
  int status;
  lua_getglobal(L, "require");
  lua_pushfstring(L, CMD_PREFIX "%s", name);
  status = luaL_loadstring(L, find);
  if (status == LUA_OK) {
    lua_pushvalue(L, -2);
    status = docall(L, 1, 1, msghandler);
  }
  if (status != LUA_OK || !lua_toboolean(L, -1)) {
    lua_replace(L, -3);  /* the error message (or the 'false') */
    lua_pop(L, status == LUA_OK ? 2 : 1);
    return status == LUA_OK ? LUA_ERRFILE : status;
  }
  lua_pop(L, 1);
  status = docall(L, 1, 1, msghandler);  /* require(mod) */
  if (status == LUA_OK && lua_type(L, -1) != LUA_TFUNCTION) {
    lua_pop(L, 1);
    lua_pushfstring(L, "module '" CMD_PREFIX "%s' does not return a function",
                    name);
    status = LUA_ERRRUN;
  }
  return status;
}

/*
** Run the command at argv[script] with its arguments.  Its errors are
** one line; it returns an exit status (an integer, or true/nil for 0,
** false for 1), stored in *code.
*/
static int handle_command (lua_State *L, const hostargs *h, int *code) {
  int status = loadcommand(L, h->argv[h->script]);
  if (status == LUA_ERRFILE) {
    lua_pushfstring(L, "cannot open %s (no such file, and no command of "
                    "that name)", h->argv[h->script]);
    return report(L, h, status);
  }
  if (status == LUA_OK)
    status = docall(L, pushargs(L, h), 1, onelinehandler);
  if (status == LUA_OK) {
    if (lua_isinteger(L, -1))
      *code = (int)lua_tointeger(L, -1);
    else
      *code = lua_isboolean(L, -1) && !lua_toboolean(L, -1);
    lua_pop(L, 1);
  }
  return report(L, h, status);
}

/* ===================================================== the interactive loop */

/*
** Show the prompt (_PROMPT or _PROMPT2 if set) and push the next line of
** input without its end of line; 0 (nothing pushed) at end of input.
*/
static int pushline (lua_State *L, int firstline) {
  int more, set = lua_getglobal(L, firstline ? "_PROMPT" : "_PROMPT2") != LUA_TNIL;
  const char *prompt = set ? luaL_tolstring(L, -1, NULL)
                           : (firstline ? "> " : ">> ");
  more = readline_push(L, prompt);
  if (more) lua_insert(L, -2 - set);  /* the line below the prompt */
  lua_pop(L, 1 + set);
  return more;
}

/* Is the error at the top a syntax error at the end of the input? */
static int incomplete (lua_State *L, int status) {
  size_t len;
  const char *msg = lua_tolstring(L, -1, &len);
  size_t mlen = sizeof(EOFMARK) - 1;
  if (status == LUA_ERRSYNTAX && len >= mlen
      && strcmp(msg + len - mlen, EOFMARK) == 0) {
    lua_pop(L, 1);
    return 1;
  }
  return 0;
}

/*
** Compile the line at the top (and as many more lines as an unfinished
** statement needs): first as 'return LINE', so that expressions print.
** Leaves the chunk (or an error message) in place of the line; the
** statement goes into the history, as lua.c keeps it.
*/
static int loadline (lua_State *L) {
  const char *line = lua_tostring(L, -1);
  const char *ret = lua_pushfstring(L, "return %s", line);
  int status = luaL_loadbuffer(L, ret, strlen(ret), "=stdin");
  if (status == LUA_OK) {
    saveline(line);
    lua_remove(L, -2);  /* 'return ...' text */
    lua_remove(L, -2);  /* line */
    return status;
  }
  lua_pop(L, 2);
  for (;;) {
    size_t len;
    line = lua_tolstring(L, -1, &len);
    status = luaL_loadbuffer(L, line, len, "=stdin");
    if (!incomplete(L, status)) {
      saveline(line);
      break;
    }
    if (!pushline(L, 0)) {  /* input ended inside a statement */
      saveline(line);
      status = luaL_loadbuffer(L, line, len, "=stdin");  /* its error */
      break;
    }
    lua_pushliteral(L, "\n");
    lua_insert(L, -2);
    lua_concat(L, 3);  /* line .. "\n" .. next line */
  }
  lua_remove(L, -2);  /* line */
  return status;
}

/* Print the n values at the top with the global 'print'. */
static void printresults (lua_State *L, const hostargs *h, int n) {
  if (n == 0) return;
  luaL_checkstack(L, LUA_MINSTACK, "too many results to print");
  lua_getglobal(L, "print");
  lua_insert(L, -n - 1);
  if (lua_pcall(L, n, 0, 0) != LUA_OK)
    message(h, lua_pushfstring(L, "error calling 'print' (%s)",
                               lua_tostring(L, -1)));
}

/* Read, run and print lines until the end of stdin. */
static void repl (lua_State *L, hostargs *h) {
  const char *progname = h->progname;
  h->progname = NULL;  /* errors in the loop print without a prefix */
  initreadline();
  while (lua_settop(L, 0), pushline(L, 1)) {
    int status = loadline(L);
    if (status == LUA_OK)
      status = docall(L, 0, LUA_MULTRET, msghandler);
    if (status == LUA_OK)
      printresults(L, h, lua_gettop(L));
    else
      report(L, h, status);
  }
  lua_settop(L, 0);
  fputs("\n", stdout);
  fflush(stdout);
  h->progname = progname;
}

/* =============================================================== main */

static int isatty_stdin (void) {
  return isatty(fileno(stdin));
}

static int result (lua_State *L, int code) {
  lua_pushinteger(L, code);
  return 1;
}

/*
** Everything, in protected mode: the libraries, winshm, LUA_INIT, the
** options in order, the script or command, the interactive loop.
** Returns (as its Lua result) the process's exit status.
*/
static int pmain (lua_State *L) {
  hostargs *h = (hostargs *)lua_touserdata(L, 1);
  int code = EXIT_FAILURE;
  luaL_checkversion(L);  /* the headers and the library are one Lua */
  if (h->flags & HAS_ERROR) {
    badoption(h);
    return result(L, code);
  }
  if (h->flags & HAS_NOENV) {
    lua_pushboolean(L, 1);
    lua_setfield(L, LUA_REGISTRYINDEX, "LUA_NOENV");
  }
  luaL_openlibs(L);
  luaL_requiref(L, "winshm", luaopen_winshm, 0);
  lua_pop(L, 1);
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  lua_pushcfunction(L, luaopen_winshm);  /* a re-require finds it first */
  lua_setfield(L, -2, "winshm");
  lua_pop(L, 1);
  createargtable(L, h);
  lua_gc(L, LUA_GCRESTART);
  lua_gc(L, LUA_GCGEN, 0, 0);
  if (h->flags & HAS_HELP) {
    usage(h, stdout);
    return result(L, EXIT_SUCCESS);
  }
  if (h->flags & HAS_V) version();
  if (!(h->flags & HAS_NOENV) && handle_luainit(L, h) != LUA_OK)
    return result(L, code);
  if (!runargs(L, h)) return result(L, code);
  code = EXIT_SUCCESS;
  if (h->script > 0) {
    int status = iscommand(h) ? handle_command(L, h, &code)
                              : handle_script(L, h);
    if (status != LUA_OK) return result(L, EXIT_FAILURE);
  }
  if (h->flags & HAS_I)
    repl(L, h);
  else if (h->script == 0 && !(h->flags & (HAS_E | HAS_V))) {
    if (isatty_stdin()) {
      version();
      repl(L, h);
    }
    else if (dochunk(L, h, luaL_loadfile(L, NULL)) != LUA_OK)
      return result(L, EXIT_FAILURE);
  }
  return result(L, code);
}

int main (int argc, char **argv) {
  hostargs h;
  int status, code;
  lua_State *L = luaL_newstate();
  memset(&h, 0, sizeof h);
  h.argc = argc;
  h.argv = argv;
  h.progname = argv[0] != NULL && argv[0][0] != '\0' ? argv[0] : "winshm";
  if (L == NULL) {
    message(&h, "cannot create state: not enough memory");
    return EXIT_FAILURE;
  }
  if (argc > 0) collectargs(&h);
  lua_gc(L, LUA_GCSTOP);  /* no collections while starting */
  lua_pushcfunction(L, pmain);
  lua_pushlightuserdata(L, &h);
  status = lua_pcall(L, 1, 1, 0);
  code = status == LUA_OK ? (int)lua_tointeger(L, -1) : EXIT_FAILURE;
  report(L, &h, status);
  lua_close(L);
  return code;
}
