# windows.mk -- the Win32 build (mingw-w64) and its suites under Wine.
#
#   make windows         build/win64/winshm.exe (host: Lua, LPeg, winshm
#                        linked in) and build/win64/winshm.dll (module for
#                        a Windows lua.exe through lua54.dll)
#   make test-windows    the busted specs under Wine with the 'windows'
#                        config, plus the interop programs in tests/win/
#   make test-windows-host  winshm.exe run from the Linux side: UTF-8 in
#
# Lua, LPeg and LuaFileSystem come from Debian's source packages, built by
# scripts/win/build-deps.sh into build/win64/deps (once).

W        = $(B)/win64
WDEPS    = $(W)/deps
WCC      = x86_64-w64-mingw32-gcc
# Built for Windows 7 and later: the headers declare nothing newer.
WINVER_FLAG = -D_WIN32_WINNT=0x0601
WCFLAGS  = -std=gnu99 $(OPT) $(WARN) $(WINVER_FLAG) $(VERSION_FLAG) -Isrc \
           -I$(B)/gen -I$(WDEPS)/include $(CFLAGS)
WLDFLAGS = -static-libgcc
WLIBS    = -ladvapi32

WIN_SRC  = $(wildcard src/*_win32.c)
WMOD_OBJ = $(patsubst src/%.c,$(W)/obj/%.o,$(PORTABLE) $(WIN_SRC)) \
           $(W)/obj/embedded.o
WHOST_OBJ = $(W)/obj/host.o $(W)/obj/openlibs.o $(W)/obj/linit_std.o \
            $(W)/obj/lpeg_re.o $(W)/obj/host_res.o
WRC      = x86_64-w64-mingw32-windres
WDEPS_STAMP = $(WDEPS)/.built

.PHONY: windows windows-deps test-windows test-windows-specs
windows: $(W)/winshm.exe $(W)/winshm.dll

windows-deps: $(WDEPS_STAMP)
$(WDEPS_STAMP): scripts/win/build-deps.sh
	rm -f $@
	sh scripts/win/build-deps.sh $(WDEPS)

$(W)/obj/%.o: src/%.c VERSION $(WDEPS_STAMP) | $(W)/obj
	$(WCC) $(WCFLAGS) -MMD -MP -c -o $@ $<

$(W)/obj/embedded.o: $(B)/gen/embedded.c $(WDEPS_STAMP) | $(W)/obj
	$(WCC) $(WCFLAGS) -c -o $@ $<

$(W)/obj/openlibs.o: scripts/win/openlibs.c $(WDEPS_STAMP) | $(W)/obj
	$(WCC) $(WCFLAGS) -c -o $@ $<

# Lua's own linit.c, its luaL_openlibs renamed for openlibs.c to wrap.
$(W)/obj/linit_std.o: $(WDEPS_STAMP) | $(W)/obj
	$(WCC) -O2 -DluaL_openlibs=wshm_openlibs_std -c -o $@ \
	  $(WDEPS)/src/lua5.4-*/src/linit.c

# LPeg's re.lua, compiled in the way lua/winshm/*.lua are.
$(W)/gen/lpeg_re.c: $(WDEPS_STAMP) scripts/embed.lua | $(W)/gen
	mkdir -p $(W)/gen/lua && cp $(WDEPS)/re.lua $(W)/gen/lua/re.lua
	$(LUA) scripts/embed.lua $@ $(W)/gen/lua/re.lua

$(W)/obj/lpeg_re.o: $(W)/gen/lpeg_re.c | $(W)/obj
	$(WCC) $(WCFLAGS) -Dwshm_embedded_modules=wshm_win_lpeg_modules \
	  -c -o $@ $<

# The host's manifest: UTF-8 as its code page (src/host_win32.manifest).
$(W)/obj/host_res.o: src/host_win32.rc src/host_win32.manifest | $(W)/obj
	$(WRC) -I src -O coff -o $@ $<

$(W)/winshm.exe: $(WHOST_OBJ) $(WMOD_OBJ)
	$(WCC) -o $@ $^ $(WDEPS)/liblpeg.a $(WDEPS)/liblua.a $(WLDFLAGS) $(WLIBS)

$(W)/winshm.dll: $(WMOD_OBJ)
	$(WCC) -shared -o $@ $^ -L$(WDEPS) -llua54 $(WLDFLAGS) $(WLIBS)

$(W)/obj $(W)/gen $(W)/busted:
	mkdir -p $@

-include $(wildcard $(W)/obj/*.d)

# ------------------------------------------------------------ under Wine
# busted runs in a Windows lua.exe: Debian's pure-Lua busted modules are
# read through Wine's Z: drive; lfs.dll and the two stand-ins in
# scripts/win/standins.c supply its C modules.
WBUSTED  = $(W)/busted
WINE_ENV = WINEPREFIX="$(CURDIR)/$(B)/wineprefix" WINEDEBUG=-all \
           WINEDLLOVERRIDES="mscoree,mshtml=" DISPLAY= WAYLAND_DISPLAY=
WINPATH  = Z:$(subst /,\,$(CURDIR))
# $(call with-wine,COMMAND): run COMMAND, then end what it left running in
# the build's Wine prefix (wineserver and Wine's services linger for some
# seconds after the last program); the status is COMMAND's.
with-wine = rc=0; $(1) || rc=$$?; $(WINE_ENV) wineserver -k 2>/dev/null; exit $$rc

$(WBUSTED)/system/core.dll: scripts/win/standins.c $(WDEPS_STAMP) | $(WBUSTED)
	mkdir -p $(WBUSTED)/system $(WBUSTED)/term
	$(WCC) $(WCFLAGS) -shared -o $@ $< -L$(WDEPS) -llua54 $(WLDFLAGS)
	cp $@ $(WBUSTED)/term/core.dll
	cp $(WDEPS)/bin/lua.exe $(WDEPS)/bin/lua54.dll $(WDEPS)/bin/lfs.dll \
	  $(WDEPS)/bin/lpeg.dll $(WBUSTED)/

# H.spawn's launcher under Wine (process id for taskkill, exit code).
$(WBUSTED)/spawn.exe: scripts/win/spawn.c | $(WBUSTED)
	$(WCC) $(WCFLAGS) -o $@ $< $(WLDFLAGS) -lshell32

# Interop programs: plain Win32 C, no winshm, no Lua.
WIN_INTEROP = $(patsubst tests/win/%.c,$(W)/%.exe,$(wildcard tests/win/*.c))
$(W)/%.exe: tests/win/%.c | $(W)/obj
	$(WCC) $(WCFLAGS) -o $@ $< $(WLDFLAGS)

test-windows: test-windows-specs

test-windows-specs: windows $(WBUSTED)/system/core.dll $(WBUSTED)/spawn.exe \
                    $(WIN_INTEROP)
	$(WINE_ENV) WINSHM_WINROOT='$(WINPATH)' sh scripts/win/busted.sh

TESTS += test-windows

# The host from the Linux side under Wine: what reaches Lua from outside
# it -- arguments, file names, environment -- arrives as UTF-8.
.PHONY: test-windows-host
test-windows-host: all windows
	@$(call with-wine,$(BUSTED_ENV) WINSHM_WINEXE=$(W)/winshm.exe \
	  busted --lua=$(LUA) tests/winhost_spec.lua)

TESTS += test-windows-host

# The Windows build's outputs; the sources under $(WDEPS) and the Wine
# prefix stay (they take a while to make again).
.PHONY: clean-windows
clean: clean-windows
clean-windows:
	rm -rf $(W)/obj $(W)/gen $(W)/busted $(W)/*.exe $(W)/*.dll
