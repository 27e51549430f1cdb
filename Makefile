# winshm -- typed named shared memory for Lua 5.4.  See README.md.
#
#   make            build/winshm.so (the module) and build/winshm (the host)
#   make demo       a writer and a reader process sharing a region
#   make test       every suite: native, sanitizers, Windows under Wine, lint
#   make install    PREFIX=/usr/local
#
# Platform sources are *_posix.c / *_win32.c; everything else in src/ is
# portable and goes into the module.  Suites and targets of each subject
# live in mk/*.mk.

PREFIX   ?= /usr/local
# The version: one number, in the file VERSION.  The C code gets it as
# -DWSHM_VERSION_NUMBER (winshm -v, shm._VERSION); the man page, the
# rockspec, the zip and the Debian package take it from here too.
VERSION := $(strip $(file < VERSION))
ifeq ($(shell echo '$(VERSION)' | grep -Ex '[0-9]+\.[0-9]+\.[0-9]+'),)
$(error VERSION must hold one number x.y.z, not '$(VERSION)')
endif
VERSION_FLAG = -DWSHM_VERSION_NUMBER=$(VERSION)
LUA_PC   ?= lua5.4
LUA      ?= lua5.4
LUA_CFLAGS ?= $(shell pkg-config --cflags $(LUA_PC))
LUA_LIBS   ?= $(shell pkg-config --libs $(LUA_PC))
# The host carries its own copy of Lua, the whole static library (as
# lua.c is built): C modules it loads find every API function in it, and
# its own calls into Lua are direct, not through the shared library's
# PLT.  Without the static library it links the shared one.
, := ,
LUA_STATIC ?= $(wildcard $(shell pkg-config --variable=libdir $(LUA_PC))/lib$(LUA_PC).a)
HOST_LUA_LIBS ?= $(if $(LUA_STATIC),-Wl$(,)--whole-archive $(LUA_STATIC) \
                   -Wl$(,)--no-whole-archive,$(LUA_LIBS))
# The host's interactive mode has GNU readline's line editing and history
# when its headers are there (libreadline-dev), as Debian's lua5.4 has;
# READLINE=no builds it with plain stdio input.
READLINE ?= $(if $(wildcard /usr/include/readline/readline.h),yes,no)
HOST_RL_CFLAGS = $(if $(filter yes,$(READLINE)),-DWSHM_READLINE)
HOST_RL_LIBS   = $(if $(filter yes,$(READLINE)),-lreadline)
CC       ?= gcc
OPT      ?= -O2 -g
WARN     = -Wall -Wextra -Wshadow -Wmissing-prototypes -Wstrict-prototypes \
           -Wpointer-arith -Wcast-qual
ifeq ($(CI),true)
WARN    += -Werror
endif
B        = build
DIST     = $(B)/dist
ALLCFLAGS = -std=gnu99 -fPIC -fvisibility=hidden $(OPT) $(WARN) \
            $(VERSION_FLAG) -Isrc -I$(B)/gen $(LUA_CFLAGS) $(CFLAGS)

PORTABLE  = $(filter-out src/host.c %_posix.c %_win32.c,$(wildcard src/*.c))
POSIX_SRC = $(wildcard src/*_posix.c)
LUA_PARTS = $(sort $(shell find lua/winshm -name '*.lua' 2>/dev/null))
MOD_OBJ   = $(patsubst src/%.c,$(B)/obj/%.o,$(PORTABLE) $(POSIX_SRC)) \
            $(B)/obj/embedded.o

.PHONY: all demo test install uninstall clean deps FORCE
all: $(B)/winshm.so $(B)/winshm

# The POSIX backend uses Linux's O_TMPFILE, /proc/self/fd and /dev/shm:
# on another system the native build stops before compiling anything.
ifneq ($(shell uname -s),Linux)
$(MOD_OBJ) $(B)/obj/host.o: | linux-only
endif
.PHONY: linux-only
linux-only:
	@echo "winshm: the native build needs Linux (O_TMPFILE, /proc/self/fd," \
	  "/dev/shm); this is $$(uname -s). 'make windows' cross-builds the" \
	  "Windows one." >&2; exit 1

$(B)/obj/%.o: src/%.c VERSION | $(B)/obj
	$(CC) $(ALLCFLAGS) -MMD -MP -c -o $@ $<

FORCE:

# The list of Lua parts, rewritten only when it changes: removing or
# renaming a part regenerates the table too.
$(B)/gen/parts: FORCE | $(B)/gen
	@echo '$(LUA_PARTS)' | cmp -s - $@ || echo '$(LUA_PARTS)' > $@

$(B)/gen/embedded.c: $(LUA_PARTS) $(B)/gen/parts scripts/embed.lua | $(B)/gen
	$(LUA) scripts/embed.lua $@ $(LUA_PARTS)

$(B)/obj/embedded.o: $(B)/gen/embedded.c | $(B)/obj
	$(CC) $(ALLCFLAGS) -c -o $@ $<

$(B)/winshm.so: $(MOD_OBJ)
	$(CC) -shared -o $@ $^ $(LDFLAGS)

$(B)/obj/host.o: ALLCFLAGS += $(HOST_RL_CFLAGS)

# $(call host_link,LIBS): link the host from the prerequisites.
host_link = $(CC) -Wl,-E -o $@ $^ $(LDFLAGS) $(HOST_LUA_LIBS) $(1) -lm -ldl

$(B)/winshm: $(B)/obj/host.o $(MOD_OBJ)
	$(call host_link,$(HOST_RL_LIBS))

# The man page as installed: its title line gets the version.
$(B)/winshm.1: docs/winshm.1 VERSION | $(B)/gen
	sed '1s/^\.TH WINSHM 1 "\([^"]*\)" "winshm"/.TH WINSHM 1 "\1" "winshm $(VERSION)"/' \
	  docs/winshm.1 > $@.tmp
	grep -q '^\.TH WINSHM 1 .*"winshm $(VERSION)"' $@.tmp
	mv $@.tmp $@

$(B)/obj $(B)/gen:
	mkdir -p $@

-include $(wildcard $(B)/obj/*.d)

# Debian packages the build and the suites need (root installs them).
deps:
	@sh scripts/deps.sh

demo: deps all
	@sh examples/demo.sh $(B)/winshm

# ------------------------------------------------------------------ tests
# Each subject's mk/*.mk adds its suite to TESTS, and a run that only
# proves something works (asserting nothing) to SMOKE.
BUSTED_ENV = WINSHM_HOST=$(CURDIR)/$(B)/winshm LUA_CPATH="$(CURDIR)/$(B)/?.so;;" \
             WINSHM_READLINE=$(READLINE)
TESTS = test-native
SMOKE =
-include $(sort $(wildcard mk/*.mk))

test: deps all $(TESTS) $(SMOKE)

.PHONY: test-native
test-native: all
	$(BUSTED_ENV) busted --lua=$(LUA) tests

# ---------------------------------------------------------------- install
LUADIR  = $(PREFIX)/share/lua/5.4
CMODDIR = $(PREFIX)/lib/lua/5.4
install: all $(B)/winshm.1
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(CMODDIR) \
	  $(DESTDIR)$(LUADIR)/winshm $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(B)/winshm $(DESTDIR)$(PREFIX)/bin/winshm
	install -m 755 $(B)/winshm.so $(DESTDIR)$(CMODDIR)/winshm.so
	[ ! -d lua/winshm ] || (cd lua && find winshm -name '*.lua' \
	  -exec install -D -m 644 {} $(DESTDIR)$(LUADIR)/{} \;)
	install -m 644 $(B)/winshm.1 $(DESTDIR)$(PREFIX)/share/man/man1/winshm.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/winshm $(DESTDIR)$(CMODDIR)/winshm.so \
	  $(DESTDIR)$(PREFIX)/share/man/man1/winshm.1
	rm -rf $(DESTDIR)$(LUADIR)/winshm

clean:
	rm -rf $(B)/obj $(B)/gen $(B)/winshm $(B)/winshm.so $(B)/winshm.1
