# tools.mk -- the command-line tools' extras: lint, and the rockspec.
#
#   make lint         luacheck over lua/, tests/ and examples/ (.luacheckrc)
#   make test-rock    `luarocks make` from a copy of the sources into a
#                     throw-away tree, then load the module from that tree
#                     with lua5.4 and use it (rock/check.lua)

LUACHECK ?= luacheck
LUAROCKS ?= luarocks
ROCKSPEC  = $(firstword $(wildcard winshm-*.rockspec))
ROCKSRC   = $(B)/rocksrc
ROCKTREE  = $(CURDIR)/$(B)/rocktree

.PHONY: lint test-rock
TESTS += lint test-rock

lint:
	$(LUACHECK) -q --no-color $(wildcard lua tests examples)

test-rock:
	rm -rf $(ROCKSRC) $(ROCKTREE)
	mkdir -p $(ROCKSRC)
	cp -R src lua rock $(ROCKSPEC) $(ROCKSRC)/
	if [ -d docs ]; then cp -R docs $(ROCKSRC)/; else mkdir $(ROCKSRC)/docs; fi
	cd $(ROCKSRC) && $(LUAROCKS) --lua-version=5.4 make --deps-mode=none --tree=$(ROCKTREE) $(ROCKSPEC)
	LUA_CPATH="$(ROCKTREE)/lib/lua/5.4/?.so;;" \
	LUA_PATH="$(ROCKTREE)/share/lua/5.4/?.lua;$(ROCKTREE)/share/lua/5.4/?/init.lua;;" \
	  ROCKTREE=$(ROCKTREE) $(LUA) rock/check.lua

# The rockspec's lists of sources and Lua parts, from the tree.
.PHONY: rockspec
rockspec:
	$(LUA) rock/rockspec.lua winshm-scm-1.rockspec \
	  $(sort $(filter-out src/host.c,$(wildcard src/*.c))) -- $(LUA_PARTS)
