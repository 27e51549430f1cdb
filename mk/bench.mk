# make bench: per-operation costs against baselines measured in the same
# run (bench/bench.lua), with callgrind's instruction counts when valgrind
# is there, then what recordings cost (bench/record.lua).  make
# bench-quick: the same, short, to prove it works: make test runs it as a
# smoke run, not as a test (it asserts nothing, so it is not in TESTS).
# BENCH_ONLY=pattern keeps the matching rows.
BENCH_ENV = LUA_CPATH="$(CURDIR)/$(B)/bench/?.so;;" WINSHM_HOST=$(CURDIR)/$(B)/winshm \
            BENCH_BUILD=$(CURDIR)/$(B)

# -fno-plt: the floor calls Lua's API as directly as the module built
# into the host does (through the GOT, not a PLT stub).
$(B)/bench/bench_floor.so: bench/floor.c | $(B)/bench
	$(CC) $(ALLCFLAGS) -fno-plt -shared -o $@ $< -lpthread

# The frame floor: bench/frame.c with the page's C structs and fill
# functions, generated from the layout in bench/page.lua (whose
# description the frame peers read too).
$(B)/bench/page.desc: bench/page.lua bench/describe.lua $(B)/winshm | $(B)/bench
	$(B)/winshm bench/describe.lua bench/page.lua > $@.tmp && mv $@.tmp $@

$(B)/bench/page_floor.h: $(B)/bench/page.desc bench/gen_floor.lua bench/desc.lua
	$(LUA) bench/gen_floor.lua $< packet > $@.tmp && mv $@.tmp $@

$(B)/bench/bench_frame.so: bench/frame.c $(B)/bench/page_floor.h
	$(CC) $(ALLCFLAGS) -I$(B)/bench -fno-plt -shared -o $@ $<

$(B)/bench/pingpong: bench/pingpong.c | $(B)/bench
	$(CC) -O2 -Wall -o $@ $<

$(B)/bench:
	mkdir -p $@

BENCH_DEPS = all $(B)/bench/bench_floor.so $(B)/bench/bench_frame.so $(B)/bench/pingpong

.PHONY: bench bench-quick
bench: $(BENCH_DEPS)
	@$(BENCH_ENV) BENCH_CALLGRIND=1 $(B)/winshm bench/bench.lua $(BENCH_ONLY)
	@$(BENCH_ENV) $(B)/winshm bench/record.lua $(BENCH_ONLY)

bench-quick: $(BENCH_DEPS)
	@echo "bench-quick: a smoke run of the benchmark (not a test)"
	@$(BENCH_ENV) $(B)/winshm bench/bench.lua quick $(BENCH_ONLY)
	@$(BENCH_ENV) $(B)/winshm bench/record.lua quick $(BENCH_ONLY)

SMOKE += bench-quick
