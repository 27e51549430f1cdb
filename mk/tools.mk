# tools.mk -- the command-line tools' extras: lint, and the rockspec built
# with luarocks into a throw-away tree.
#
#   make lint         luacheck over lua/, tests/ and examples/ (.luacheckrc)
#   make test-rock    luarocks make into build/rocktree, then load the module
#                     from that tree with lua5.4 and use it

LUACHECK ?= luacheck
LUAROCKS ?= luarocks
ROCKSPEC  = $(firstword $(wildcard winshm-*.rockspec))
ROCKTREE  = $(B)/rocktree

.PHONY: lint test-rock
TESTS += lint

lint:
	$(LUACHECK) -q --no-color $(wildcard lua tests examples)

test-rock:
	rm -rf $(ROCKTREE)
	$(LUAROCKS) --lua-version=5.4 make --tree=$(ROCKTREE) $(ROCKSPEC)
	LUA_CPATH="$(ROCKTREE)/lib/lua/5.4/?.so" \
	LUA_PATH="$(ROCKTREE)/share/lua/5.4/?.lua;$(ROCKTREE)/share/lua/5.4/?/init.lua" \
	  $(LUA) scripts/rockcheck.lua
