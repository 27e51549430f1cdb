/*
** spawn.c -- start a program for the specs under Wine, as the POSIX shell
** does for H.spawn in tests/helper.lua:
**
**   spawn PIDFILE RCFILE OUTFILE PROGRAM [ARG...]
**
** runs PROGRAM with ARGs, its standard output and error going to OUTFILE
** and its standard input empty; writes its process id to PIDFILE as soon
** as it runs (so that 'taskkill /F /PID' can end it), and its exit code to
** RCFILE when it ends.  Each file appears whole (written aside, then
** renamed), so a reader never sees half of it.
*/
#include <windows.h>
#include <shellapi.h>
#include <stdio.h>
#include <wchar.h>

/* Write "n\n" to path through a temporary name, then rename. */
static int putnumber (const wchar_t *path, unsigned long n) {
  wchar_t tmp[MAX_PATH + 8];
  FILE *f;
  if (_snwprintf(tmp, MAX_PATH + 8, L"%ls.tmp", path) < 0) return 0;
  tmp[MAX_PATH + 7] = L'\0';
  f = _wfopen(tmp, L"w");
  if (f == NULL) return 0;
  fprintf(f, "%lu\n", n);
  fclose(f);
  return MoveFileExW(tmp, path, MOVEFILE_REPLACE_EXISTING) != 0;
}

/* Append s to the command line in cmd (of cap units), quoted as the C
** runtime's argument parser expects. */
static int append (wchar_t *cmd, size_t cap, size_t *len, const wchar_t *s) {
  size_t slashes = 0;
#define PUT(c) do { if (*len + 1 >= cap) return 0; cmd[(*len)++] = (c); } while (0)
  if (*len > 0) PUT(L' ');
  PUT(L'"');
  for (; *s; s++) {
    if (*s == L'\\') { slashes++; PUT(L'\\'); continue; }
    if (*s == L'"') {
      while (slashes-- > 0) PUT(L'\\');  /* double them before a quote */
      PUT(L'\\');
    }
    slashes = 0;
    PUT(*s);
  }
  while (slashes-- > 0) PUT(L'\\');  /* and before the closing quote */
  PUT(L'"');
  cmd[*len] = L'\0';
  return 1;
#undef PUT
}

int main (void) {
  static wchar_t cmd[32768];
  SECURITY_ATTRIBUTES sa = {sizeof(sa), NULL, TRUE};
  STARTUPINFOW si;
  PROCESS_INFORMATION pi;
  size_t len = 0;
  DWORD code = 1;
  int argc, i;
  wchar_t **argv = CommandLineToArgvW(GetCommandLineW(), &argc);
  HANDLE out, in;
  if (argv == NULL || argc < 5) {
    fprintf(stderr, "usage: spawn PIDFILE RCFILE OUTFILE PROGRAM [ARG...]\n");
    return 2;
  }
  for (i = 4; i < argc; i++)
    if (!append(cmd, sizeof(cmd) / sizeof(cmd[0]), &len, argv[i])) {
      fprintf(stderr, "spawn: command line too long\n");
      return 2;
    }
  out = CreateFileW(argv[3], GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                    &sa, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
  in = CreateFileW(L"NUL", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE,
                   &sa, OPEN_EXISTING, 0, NULL);
  if (out == INVALID_HANDLE_VALUE || in == INVALID_HANDLE_VALUE) {
    fprintf(stderr, "spawn: cannot open the output file\n");
    return 2;
  }
  ZeroMemory(&si, sizeof(si));
  si.cb = sizeof(si);
  si.dwFlags = STARTF_USESTDHANDLES;
  si.hStdInput = in;
  si.hStdOutput = out;
  si.hStdError = out;
  /* Wine fails to start a process now and then: try a few times */
  for (i = 0; i < 3; i++) {
    if (CreateProcessW(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi))
      break;
    Sleep(200);
  }
  if (i == 3) {
    fprintf(stderr, "spawn: cannot start (error %lu)\n",
            (unsigned long)GetLastError());
    putnumber(argv[1], 0);
    putnumber(argv[2], 127);
    return 2;
  }
  CloseHandle(out);
  CloseHandle(in);
  putnumber(argv[1], (unsigned long)pi.dwProcessId);
  WaitForSingleObject(pi.hProcess, INFINITE);
  GetExitCodeProcess(pi.hProcess, &code);
  putnumber(argv[2], (unsigned long)code);
  return 0;
}
