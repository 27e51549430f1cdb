# cdef.mk -- shm.cdef (lua/winshm/cdef.lua, lua/winshm/cdef/).  Its spec
# (tests/cdef_spec.lua, headers in tests/cdef/) compares the layouts with
# gcc, g++ and mingw-w64 gcc; it runs in test-native, this target runs only it.
#   make test-cdef
.PHONY: test-cdef
test-cdef: all
	$(BUSTED_ENV) busted --lua=$(LUA) tests/cdef_spec.lua
