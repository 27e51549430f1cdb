# compiler.mk -- layouts against the C compilers (tests/compiler/).
#
#   make test-compiler          only the compiler and values specs (they
#                               also run in test-native)
#   make test-compiler-windows  the Windows build against mingw-w64 gcc:
#                               its native layouts, and values exchanged
#                               with a Win32 program (under Wine)
# WINSHM_TEST_SEED=n changes the random layouts.
.PHONY: test-compiler test-compiler-windows
test-compiler: all
	$(BUSTED_ENV) busted --lua=$(LUA) tests/compiler_spec.lua tests/values_spec.lua

# (No spaces in --filter: busted --lua re-runs itself without quoting.)
test-compiler-windows: all windows
	@$(call with-wine,$(BUSTED_ENV) WINSHM_WINEXE=$(B)/win64/winshm.exe \
	  busted --lua=$(LUA) --filter=under.Wine tests/compiler_spec.lua tests/values_spec.lua)

TESTS += test-compiler-windows
