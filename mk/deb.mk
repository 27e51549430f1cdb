# deb.mk -- the Debian package, and its test as installed.
#
#   make deb        build/dist/winshm_VERSION_ARCH.deb (pkg/deb.sh, dpkg-deb):
#                   built in build/deb/build with Debian's flags
#                   (dpkg-buildflags, all hardening), installed into
#                   build/deb/debian/winshm as `make install PREFIX=/usr`
#                   does, the module where Debian's lua5.4 looks
#                   (/usr/lib/TRIPLET/lua/5.4)
#   make test-deb   lintian, then dpkg -i, use and dpkg -r in a private
#                   mount namespace (tests/install/deb.lua; root only)

DEB_ARCH = $(shell dpkg --print-architecture)
DEB      = $(DIST)/winshm_$(VERSION)_$(DEB_ARCH).deb
DEB_B    = $(B)/deb/build
DEB_ROOT = $(B)/deb/debian/winshm

.PHONY: deb test-deb
deb: $(DEB)

$(DEB): FORCE
	rm -rf $(DEB_ROOT) $(DEB_B) && mkdir -p $(DIST)
	export DEB_BUILD_MAINT_OPTIONS=hardening=+all; \
	$(MAKE) --no-print-directory B=$(DEB_B) \
	  OPT="$$(dpkg-buildflags --get CFLAGS) $$(dpkg-buildflags --get CPPFLAGS)" \
	  LDFLAGS="$$(dpkg-buildflags --get LDFLAGS)" \
	  install DESTDIR=$(CURDIR)/$(DEB_ROOT) PREFIX=/usr \
	  CMODDIR=/usr/lib/$$(dpkg-architecture -qDEB_HOST_MULTIARCH)/lua/5.4
	LUA_STATIC=$(LUA_STATIC) sh pkg/deb.sh $@ $(DEB_ROOT) $(VERSION)

test-deb: deb
	WINSHM_DEB=$(CURDIR)/$(DEB) WINSHM_VERSION=$(VERSION) $(BUSTED_ENV) \
	  busted --lua=$(LUA) tests/install/deb.lua

TESTS += test-deb

.PHONY: clean-deb
clean: clean-deb
clean-deb:
	rm -rf $(B)/deb
