# reliability.mk -- winshm under the sanitizers, valgrind and libFuzzer,
# and the multi-process stress suite.
#
#   make test-asan       the native suite against a build with
#                        -fsanitize=address,undefined (build/asan), busted
#                        itself run by the sanitized host, collector pushed
#   make test-valgrind   the native suite under valgrind memcheck
#   make fuzz            each libFuzzer harness for FUZZ_SECONDS (default 300)
#   make fuzz-short      each harness briefly (part of make test)
#   make test-stress     tests/stress_spec.lua alone, racing STRESS_SECONDS

SAN_B     = $(B)/asan
SAN_CC    ?= clang
SAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all \
            -fno-omit-frame-pointer
SAN_LOGS  = $(CURDIR)/$(SAN_B)/reports
# Reports go to files so a report from any process (the child hosts the
# specs start too) fails the run, not only one the spec happens to see.
SAN_ENV   = ASAN_OPTIONS=log_path=$(SAN_LOGS)/asan:detect_leaks=1:abort_on_error=0:detect_stack_use_after_return=1:strict_string_checks=1 \
            UBSAN_OPTIONS=log_path=$(SAN_LOGS)/ubsan:print_stacktrace=1:halt_on_error=1 \
            LSAN_OPTIONS=suppressions=$(CURDIR)/tests/fuzz/lsan.supp \
            WINSHM_HOST=$(CURDIR)/$(SAN_B)/winshm WINSHM_READLINE=$(READLINE) \
            LUA_CPATH="$(CURDIR)/$(SAN_B)/?.so;;" \
            LUA_INIT_5_4='collectgarbage("incremental", 0, 100, 10)'
# Busted's own run (through the sanitized host): the native suite, with
# the collector pushed hard by tests/gc_helper.lua.  test-asan gives each
# spec file a busted process of its own, so a sanitizer halting one file
# still lets every other file run under the sanitizers.
REL_BUSTED = busted --helper=tests/gc_helper.lua

.PHONY: asan-build test-asan test-valgrind fuzz fuzz-short test-stress

asan-build:
	$(MAKE) --no-print-directory B=$(SAN_B) CC=$(SAN_CC) \
	  OPT="-O1 -g $(SAN_FLAGS)" LDFLAGS="$(SAN_FLAGS)" all

test-asan: asan-build
	rm -rf $(SAN_LOGS) && mkdir -p $(SAN_LOGS) && chmod 1777 $(SAN_LOGS)
	@rc=0; for f in tests/*_spec.lua; do \
	  echo "$$f"; $(SAN_ENV) $(REL_BUSTED) --lua=$(SAN_B)/winshm $$f || rc=1; \
	done; \
	if ls $(SAN_LOGS) | grep -q .; then \
	  echo "test-asan: sanitizer reports:"; cat $(SAN_LOGS)/*; exit 1; fi; \
	echo "test-asan: no sanitizer reports"; exit $$rc

TESTS += test-asan

# ---------------------------------------------------------------- valgrind
# Every host process -- busted's own and those the specs start -- runs
# under memcheck through a wrapper; each writes its own log, and any
# error or definite leak in any log fails the run.  Takes 10-20 minutes
# on two cores, so it is not part of make test.
VG_DIR  = $(CURDIR)/$(B)/valgrind
VG_HOST = $(VG_DIR)/winshm
# allregs-at-mem-access: a faulting access resumes with exact registers,
# as winshm's SIGBUS handler needs (tests/truncation_spec.lua).
VG_OPTS = --vex-iropt-register-updates=allregs-at-mem-access \
          --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
          --show-leak-kinds=definite --track-origins=yes --num-callers=30 \
          --log-file=$(VG_DIR)/logs/vg.%p

test-valgrind: all
	rm -rf $(VG_DIR) && mkdir -p $(VG_DIR)/logs && chmod 1777 $(VG_DIR)/logs
	echo '#!/bin/sh' > $(VG_HOST)
	echo 'exec valgrind $(VG_OPTS) $(CURDIR)/$(B)/winshm "$$@"' >> $(VG_HOST)
	chmod +x $(VG_HOST)
	ln -sf $(CURDIR)/$(B)/winshm.so $(VG_DIR)/winshm.so  # beside the host, as in build/
	@rc=0; for f in tests/*_spec.lua; do \
	  echo "$$f"; WINSHM_HOST=$(VG_HOST) LUA_CPATH="$(CURDIR)/$(B)/?.so;;" WINSHM_READLINE=$(READLINE) \
	  WINSHM_STRESS_SECONDS=3 WINSHM_HOSTILE_ROUNDS=200 \
	  LUA_INIT_5_4='collectgarbage("incremental", 0, 100, 10)' \
	  $(REL_BUSTED) --lua=$(VG_HOST) $$f || rc=1; \
	done; \
	bad=$$(grep -lE 'ERROR SUMMARY: [1-9]|definitely lost: [1-9]' $(VG_DIR)/logs/* || true); \
	if [ -n "$$bad" ]; then echo "test-valgrind: memcheck errors:"; cat $$bad; exit 1; fi; \
	echo "test-valgrind: $$(grep -l 'ERROR SUMMARY' $(VG_DIR)/logs/* | wc -l) host processes, no errors, no definite leaks"; \
	if [ $$rc != 0 ]; then echo "test-valgrind: (busted status $$rc: under memcheck the host is a" \
	  "wrapper script and runs ~30 times slower, which specs of the host's own" \
	  "arg/stderr and of timing notice; the verdict here is memcheck's)"; fi

# ----------------------------------------------------------------- fuzzing
# libFuzzer harnesses (tests/fuzz): fuzz_names and fuzz_codec call the
# name checks and the UTF-8 codec in C;
# fuzz_struct, fuzz_cdef and fuzz_utf run a Lua driver (tests/fuzz/*.lua)
# against the module linked in.  Seeds and every input that once failed
# live in tests/fuzz/corpus/<harness>; new inputs go to build/fuzz/corpus.
# A harness whose subject is not in the build exits 86 and is skipped.
# To replay one input: build/fuzz/fuzz_<harness> <file>; a failing input
# is kept as tests/fuzz/corpus/<harness>/regress-<what> once understood.
FUZZ_B       = $(B)/fuzz
FUZZ_SAN     = -fsanitize=address,undefined -fno-sanitize-recover=all \
               -fno-omit-frame-pointer
FUZZ_OBJ     = $(patsubst $(B)/%,$(FUZZ_B)/%,$(MOD_OBJ))
FUZZ_LUA     = struct cdef utf recording
FUZZ_C       = names codec
FUZZ_ALL     = $(FUZZ_C) $(FUZZ_LUA)
FUZZ_SECONDS ?= 300
FUZZ_SHORT   ?= 15
FUZZ_CC      = $(SAN_CC) -std=gnu99 -g -O1 $(WARN) $(VERSION_FLAG) -Isrc -I$(FUZZ_B)/gen $(LUA_CFLAGS)
FUZZ_LIBS    = $(FUZZ_OBJ) $(LUA_LIBS) -lm -ldl

.PHONY: fuzz-build
fuzz-build:
	$(MAKE) --no-print-directory B=$(FUZZ_B) CC=$(SAN_CC) \
	  OPT="-O1 -g -fsanitize=fuzzer-no-link $(FUZZ_SAN)" \
	  LDFLAGS="$(FUZZ_SAN)" $(FUZZ_B)/winshm.so
	for c in $(FUZZ_C); do \
	  $(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) -o $(FUZZ_B)/fuzz_$$c \
	    tests/fuzz/fuzz_$$c.c $(FUZZ_LIBS) || exit 1; \
	done
	for d in $(FUZZ_LUA); do \
	  $(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) -o $(FUZZ_B)/fuzz_$$d \
	    -DDRIVER='"$(CURDIR)/tests/fuzz/'$$d'.lua"' \
	    -DDRIVER_DIR='"$(CURDIR)/tests/fuzz/"' \
	    tests/fuzz/fuzz_lua.c $(FUZZ_LIBS) || exit 1; \
	done

# $(call fuzz-run,seconds): each harness for that long, in turn.
define fuzz-run
	@failed=""; for h in $(FUZZ_ALL); do \
	  mkdir -p $(FUZZ_B)/corpus/$$h $(FUZZ_B)/crashes; \
	  dict=""; [ -f tests/fuzz/$$h.dict ] && dict="-dict=tests/fuzz/$$h.dict"; \
	  echo "fuzz_$$h: $(1) s"; \
	  $(FUZZ_B)/fuzz_$$h -max_total_time=$(1) -timeout=20 -rss_limit_mb=2048 \
	    -max_len=4096 -error_exitcode=1 -timeout_exitcode=2 \
	    -print_final_stats=1 $$dict \
	    -artifact_prefix=$(FUZZ_B)/crashes/$$h- \
	    $(FUZZ_B)/corpus/$$h tests/fuzz/corpus/$$h \
	    > $(FUZZ_B)/$$h.log 2>&1; rc=$$?; \
	  if [ $$rc = 86 ]; then echo "fuzz_$$h: skipped: $$(tail -1 $(FUZZ_B)/$$h.log)"; \
	  elif [ $$rc != 0 ]; then tail -40 $(FUZZ_B)/$$h.log; failed="$$failed $$h"; \
	  else grep -E 'stat::number_of_executed_units|cov:' $(FUZZ_B)/$$h.log | tail -2; fi; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzzing failed:$$failed (inputs in $(FUZZ_B)/crashes)"; exit 1; fi
endef

fuzz: fuzz-build
	$(call fuzz-run,$(FUZZ_SECONDS))

fuzz-short: fuzz-build
	$(call fuzz-run,$(FUZZ_SHORT))

TESTS += fuzz-short

# ------------------------------------------------------------------ stress
# tests/stress_spec.lua runs in every suite with a 10 s race; this runs it
# alone for STRESS_SECONDS (default 60).
STRESS_SECONDS ?= 60
test-stress: all
	$(BUSTED_ENV) WINSHM_STRESS_SECONDS=$(STRESS_SECONDS) \
	  busted --lua=$(LUA) tests/stress_spec.lua

# ------------------------------------------------------- re-entrancy storm
# tests/reentry_storm.lua: random operations while finalizers close links
# and create regions, under the sanitizers, REENTRY_SEEDS seeds for
# REENTRY_SECONDS each (tests/reentrancy_spec.lua runs two seeds briefly).
REENTRY_SECONDS ?= 60
REENTRY_SEEDS   ?= 1 2 3 4 5 6 7 8 9 10
.PHONY: reentry-storm
reentry-storm: asan-build
	rm -rf $(SAN_LOGS) && mkdir -p $(SAN_LOGS)
	@for s in $(REENTRY_SEEDS); do \
	  $(SAN_ENV) $(SAN_B)/winshm tests/reentry_storm.lua $$s $(REENTRY_SECONDS) || exit 1; \
	done; \
	if ls $(SAN_LOGS) | grep -q .; then cat $(SAN_LOGS)/*; exit 1; fi; \
	echo "reentry-storm: no sanitizer reports"
