# compiler.mk -- layouts against the C compilers (tests/compiler/).
# The specs run in test-native; this target runs only them.
#   make test-compiler [WINSHM_TEST_SEED=n]
.PHONY: test-compiler
test-compiler: all
	$(BUSTED_ENV) busted --lua=$(LUA) tests/compiler_spec.lua tests/values_spec.lua
