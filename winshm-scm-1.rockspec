-- winshm-scm-1.rockspec: `luarocks make` builds the module (winshm.so /
-- winshm.dll) and installs the Lua parts as ordinary modules (the Makefile
-- compiles them in instead; rock/embedded_none.c stands in for that table).
-- The C sources are split as the Makefile splits them: portable src/*.c
-- everywhere, src/*_posix.c on Unix, src/*_win32.c on Windows (mingw-w64).
-- tests/rockspec_spec.lua checks that these lists name every source file.
rockspec_format = "3.0"
package = "winshm"
version = "scm-1"

source = {
  url = "git+file:///winshm",
}

description = {
  summary = "Typed, named shared memory for Lua 5.4, on Windows and on Linux",
  detailed = [[
winshm creates and opens named shared memory regions (Windows file mappings,
POSIX shared memory with Windows lifetime semantics) and reads and writes them
through typed views driven by layouts declared in Lua or pasted from C headers.
Named mutexes, events, atomics and consistent snapshots coordinate processes.]],
  license = "MIT",
  labels = { "ipc", "shared-memory", "windows", "telemetry" },
}

dependencies = {
  "lua >= 5.4, < 5.5",
}

build = {
  type = "builtin",
  modules = {
    winshm = {
      sources = {
        "src/atomic.c", "src/cdef.c", "src/embed.c", "src/errors.c",
        "src/layout.c", "src/link.c", "src/module.c", "src/names.c",
        "src/sync.c", "src/view.c", "src/os_posix.c", "src/tools_posix.c",
        "rock/embedded_none.c",
      },
      incdirs = { "src" },
      libraries = { "pthread" },
    },
    ["winshm.cmd.dump"] = "lua/winshm/cmd/dump.lua",
    ["winshm.cmd.help"] = "lua/winshm/cmd/help.lua",
    ["winshm.cmd.ls"] = "lua/winshm/cmd/ls.lua",
    ["winshm.cmd.rm"] = "lua/winshm/cmd/rm.lua",
    ["winshm.cmd.watch"] = "lua/winshm/cmd/watch.lua",
    ["winshm.tools"] = "lua/winshm/tools.lua",
    ["winshm.tools.format"] = "lua/winshm/tools/format.lua",
    ["winshm.tools.posix"] = "lua/winshm/tools/posix.lua",
  },
  platforms = {
    windows = {
      modules = {
        winshm = {
          sources = {
            "src/atomic.c", "src/cdef.c", "src/embed.c", "src/errors.c",
            "src/layout.c", "src/link.c", "src/module.c", "src/names.c",
            "src/sync.c", "src/view.c", "src/os_win32.c",
            "src/tools_win32.c", "rock/embedded_none.c",
          },
          incdirs = { "src" },
          libraries = { "advapi32" },
        },
      },
    },
  },
  copy_directories = { "docs" },
}
