# make bench: per-operation costs against a floor measured in the same run.
# make bench-quick: the same, short, to prove it works (CI runs it).
BENCH_ENV = LUA_CPATH="$(CURDIR)/$(B)/bench/?.so;;" WINSHM_HOST=$(CURDIR)/$(B)/winshm \
            BENCH_BUILD=$(CURDIR)/$(B)

$(B)/bench/bench_floor.so: bench/floor.c | $(B)/bench
	$(CC) $(ALLCFLAGS) -shared -o $@ $< -lpthread

$(B)/bench/pingpong: bench/pingpong.c | $(B)/bench
	$(CC) -O2 -Wall -o $@ $<

$(B)/bench/reads.lua: | $(B)/bench
	printf '%s\n' 'local shm = require "winshm"' \
	  'local L = shm.struct { { "u32", "uint32_t" } }' \
	  'local k = assert(shm.create("winshm_cg_" .. arg[2], L))' \
	  'local v = k:get_mut() local s = 0' \
	  'for _ = 1, tonumber(arg[1]) do s = s + v.u32 end' > $@

$(B)/bench:
	mkdir -p $@

BENCH_DEPS = all $(B)/bench/bench_floor.so $(B)/bench/pingpong $(B)/bench/reads.lua

# Instructions per field read: the difference of two callgrind counts.
define callgrind_per_read
$$(( ( $$(valgrind --tool=callgrind --callgrind-out-file=/dev/null $(B)/winshm $(B)/bench/reads.lua 200000 a$$$$ 2>&1 | sed -n 's/.*Collected : //p') \
     - $$(valgrind --tool=callgrind --callgrind-out-file=/dev/null $(B)/winshm $(B)/bench/reads.lua 100000 b$$$$ 2>&1 | sed -n 's/.*Collected : //p') ) / 100000 ))
endef

.PHONY: bench bench-quick
bench: $(BENCH_DEPS)
	@cg=""; if command -v valgrind >/dev/null; then cg=$(callgrind_per_read); fi; \
	$(BENCH_ENV) BENCH_CALLGRIND=$$cg $(B)/winshm bench/bench.lua

bench-quick: $(BENCH_DEPS)
	@$(BENCH_ENV) $(B)/winshm bench/bench.lua quick

TESTS += bench-quick
