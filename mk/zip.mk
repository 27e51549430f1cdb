# zip.mk -- the Windows download, and its test as a user installs it.
# (Read after windows.mk, whose W and WDEPS it uses: mk/*.mk are read in
# name order.)
#
#   make dist         build/dist/winshm-VERSION-win64.zip (pkg/zip.sh):
#                     winshm.exe, winshm.dll + lua54.dll + lpeg.dll,
#                     README-windows.txt, LICENSE.txt, docs (HTML),
#                     examples
#   make test-dist    unzip it into a fresh directory and a fresh Wine
#                     prefix and use it from there (tests/install/zip.lua)

DIST_ZIP  = $(DIST)/winshm-$(VERSION)-win64.zip
DIST_SRC  = VERSION LICENSE README.md pkg/zip.sh pkg/html.lua \
            pkg/README-windows.txt pkg/THIRD-PARTY.txt \
            $(wildcard docs/*.md) $(shell find examples -type f 2>/dev/null)

.PHONY: dist test-dist
dist: $(DIST_ZIP)

$(DIST_ZIP): $(W)/winshm.exe $(W)/winshm.dll $(WDEPS_STAMP) $(B)/winshm.1 $(DIST_SRC)
	mkdir -p $(DIST)
	LUA=$(LUA) sh pkg/zip.sh $@ $(W) $(WDEPS) $(VERSION) $(B)/winshm.1

# The plain Win32 program that publishes a page (tests/win/publish.c) and
# the Lua 5.4 a user may already have (lua.exe over lua54.dll) come from
# the build, not from the zip.
test-dist: dist $(W)/publish.exe
	WINSHM_ZIP=$(CURDIR)/$(DIST_ZIP) WINSHM_VERSION=$(VERSION) \
	  WINSHM_WINBIN=$(CURDIR)/$(W) WINSHM_WINDEPS=$(CURDIR)/$(WDEPS) \
	  busted --lua=$(LUA) tests/install/zip.lua

TESTS += test-dist

.PHONY: clean-dist
clean: clean-dist
clean-dist:
	rm -rf $(DIST)
