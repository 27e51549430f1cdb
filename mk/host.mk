# host.mk -- the host without readline (plain stdio input, as on
# Windows), built beside the other and checked by the host's spec too.
#
#   make test-host-plain   build/plain/winshm against tests/host_spec.lua
PLAIN_B = $(B)/plain

$(PLAIN_B)/host.o: src/host.c | $(PLAIN_B)
	$(CC) $(ALLCFLAGS) -MMD -MP -c -o $@ $<

$(PLAIN_B)/winshm: $(PLAIN_B)/host.o $(MOD_OBJ)
	$(call host_link,)

$(PLAIN_B):
	mkdir -p $@

-include $(wildcard $(PLAIN_B)/*.d)

.PHONY: test-host-plain
test-host-plain: all $(PLAIN_B)/winshm
	$(BUSTED_ENV) WINSHM_HOST=$(CURDIR)/$(PLAIN_B)/winshm WINSHM_READLINE=no \
	  busted --lua=$(LUA) tests/host_spec.lua

TESTS += test-host-plain

.PHONY: clean-host-plain
clean: clean-host-plain
clean-host-plain:
	rm -rf $(PLAIN_B)
