# lookback - passive DNS.  Plain make; see README.md.
#
#   make            build build/lookback (optimized, profile-guided; PGO=0 without)
#   make check      install deps, build optimized and ASan+UBSan, run every test
#   make demo       install deps, generate a capture, decode it, show a summary
#   make bench      benchmarks (figures printed; BENCHMARKS.md keeps the latest)
#   make fuzz       run each libFuzzer target for FUZZ_SECONDS (clang)

MODE ?= opt
# Profile-guided optimization of the optimized build (PGO=0 to build without):
# the objects are first built instrumented (PGO=gen) and scripts/pgo-train
# runs that program (a capture decoded and stored); then they are built again
# with the branch and call counts it recorded (.gcda beside each object; the
# two builds must share the object paths).  Measured on the decode benchmark:
# 4% fewer instructions, 6-10% less time (docs/ARCHITECTURE.md).  The counts
# are updated atomically: the store's commit sorts in two threads (with two
# cores), and racing counts made the profile inconsistent (a build error).
PGO ?= 1
ifeq ($(MODE),asan)
B := build-asan
MODE_CFLAGS := -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
MODE_LDFLAGS := -fsanitize=address,undefined
else
B := build
MODE_CFLAGS := -O2
MODE_LDFLAGS :=
ifeq ($(PGO),gen)
MODE_CFLAGS += -fprofile-generate -fprofile-update=atomic
MODE_LDFLAGS += -fprofile-generate
else ifeq ($(PGO),1)
PGO_STAMP := $(B)/pgo.stamp
MODE_CFLAGS += -fprofile-use -fprofile-partial-training -Wno-missing-profile
endif
endif

CC ?= cc
WARN := -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes -Wmissing-prototypes -Wno-missing-field-initializers
CPPFLAGS := -D_GNU_SOURCE -Isrc
CFLAGS := -std=c11 -g $(WARN) $(MODE_CFLAGS) $(EXTRA_CFLAGS)
LDLIBS := -lpcap -lrocksdb -lfstrm -lprotobuf-c -ljansson -lmicrohttpd -lgnutls -lpcre2-8 -lz -lzstd -llzma -lxxhash -lpsl -lm -lpthread
LDFLAGS := $(MODE_LDFLAGS)

LIB_SRC := $(sort $(filter-out src/cli/%,$(shell find src -name '*.c')))
CLI_SRC := $(sort $(wildcard src/cli/*.c))
UNIT_SRC := $(sort $(shell find tests/unit -name 'test_*.c' 2>/dev/null))
TESTLIB_SRC := $(sort $(wildcard tests/lib/*.c))
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))

# protobuf-c code generated from proto/*.proto at build time into $(B)/gen/
PROTO := $(sort $(wildcard proto/*.proto))
GEN_C := $(PROTO:proto/%.proto=$(B)/gen/%.pb-c.c)
GEN_H := $(GEN_C:.c=.h)
GEN_OBJ := $(GEN_C:$(B)/gen/%.c=$(B)/obj/gen/%.o)
CPPFLAGS += -I$(B)/gen

LIB_OBJ := $(LIB_SRC:%.c=$(B)/obj/%.o) $(GEN_OBJ)
CLI_OBJ := $(CLI_SRC:%.c=$(B)/obj/%.o)
TESTLIB_OBJ := $(TESTLIB_SRC:%.c=$(B)/obj/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
REPLAY_BIN := $(FUZZ_SRC:fuzz/%.c=$(B)/replay/%)

.PHONY: all lib tests check demo bench fuzz clean deps
# the shared test objects (tests/lib) are kept: make would delete them as
# intermediates of the test programs after every build
.SECONDARY: $(TESTLIB_OBJ)
all: $(B)/lookback

lib: $(B)/liblookback.a

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(B)/gen/%.pb-c.c $(B)/gen/%.pb-c.h: proto/%.proto
	@mkdir -p $(B)/gen
	protoc-c --proto_path=proto --c_out=$(B)/gen $<

$(B)/obj/gen/%.o: $(B)/gen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

# every object may include a generated header: generate them first
$(LIB_SRC:%.c=$(B)/obj/%.o) $(CLI_OBJ): | $(GEN_H)

$(B)/liblookback.a: $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

$(B)/lookback: $(CLI_OBJ) $(B)/liblookback.a
	$(CC) $(LDFLAGS) $(CLI_OBJ) $(B)/liblookback.a $(LDLIBS) -o $@

$(B)/tests/%: tests/unit/%.c $(TESTLIB_OBJ) $(B)/liblookback.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests $(CFLAGS) $(LDFLAGS) $< $(TESTLIB_OBJ) $(B)/liblookback.a -lcmocka $(LDLIBS) -o $@

$(B)/replay/%: fuzz/%.c fuzz/replay_main.c $(B)/liblookback.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) $< fuzz/replay_main.c $(B)/liblookback.a $(LDLIBS) -o $@

tests: $(B)/lookback $(UNIT_BIN) $(REPLAY_BIN)

# PGO: the profile is made again whenever a source changes; every object is
# then rebuilt with it (objects are older than the stamp).
ifdef PGO_STAMP
$(LIB_OBJ) $(CLI_OBJ) $(TESTLIB_OBJ): $(PGO_STAMP)
$(PGO_STAMP): $(LIB_SRC) $(CLI_SRC) $(shell find src -name '*.h') $(PROTO) scripts/pgo-train Makefile | $(GEN_H)
	@mkdir -p $(B)/obj
	@find $(B)/obj -name '*.o' -delete
	$(MAKE) PGO=gen $(B)/lookback
	@find $(B)/obj -name '*.gcda' -delete
	./scripts/pgo-train $(B)/lookback
	@touch $@
endif

deps:
	./scripts/deps

JOBS ?= $(shell nproc 2>/dev/null || echo 2)
check: deps
	$(MAKE) -j$(JOBS) MODE=opt tests
	$(MAKE) -j$(JOBS) MODE=asan tests
	./tests/run.sh build build-asan

demo: deps
	$(MAKE) -j$(JOBS) MODE=opt all
	./scripts/demo

bench: deps
	$(MAKE) MODE=opt all
	./bench/run.sh

# libFuzzer builds (clang): fuzz/fuzz_X.c -> build-fuzz/fuzz_X, corpus fuzz/corpus/X/
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS := -std=c11 -g -O1 -D_GNU_SOURCE -Isrc -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
fuzz: deps
	@mkdir -p build-fuzz/obj build-fuzz/gen
	@set -e; for p in $(PROTO); do protoc-c --proto_path=proto --c_out=build-fuzz/gen $$p; done
	@set -e; for f in $(LIB_SRC) $(PROTO:proto/%.proto=build-fuzz/gen/%.pb-c.c); do o=build-fuzz/obj/$$(echo $$f | tr / _).o; \
	  clang $(FUZZ_CFLAGS) -Ibuild-fuzz/gen -fsanitize=fuzzer-no-link -c $$f -o $$o; done
	@set -e; for t in $(FUZZ_SRC); do n=$$(basename $$t .c); \
	  clang $(FUZZ_CFLAGS) -Ibuild-fuzz/gen $$t build-fuzz/obj/*.o $(LDLIBS) -lstdc++ -o build-fuzz/$$n; \
	  mkdir -p fuzz/corpus/$${n#fuzz_} build-fuzz/new-$${n#fuzz_}; \
	  echo "== $$n for $(FUZZ_SECONDS)s"; \
	  ./build-fuzz/$$n -max_total_time=$(FUZZ_SECONDS) -max_len=65535 build-fuzz/new-$${n#fuzz_} fuzz/corpus/$${n#fuzz_} 2>&1 | tail -3; done

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(B) -name '*.d' 2>/dev/null)
