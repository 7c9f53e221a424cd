# Grassroots — one non-recursive GNU Makefile.
#   make            build build/grassroots
#   make run        install what is missing, build, create the demo database, serve :8080
#   make check      install what is missing, build with -Werror, run every test
#   make check-asan unit and API tests under AddressSanitizer + UBSan
#   make bench      benchmarks with their figures (see bench/README.md)
#   make clean
# Dependencies are installed by scripts/install-deps when a library or tool is missing.

VERSION := 0.1.0
BUILD ?= build
CC ?= cc
SAN ?=

PKGS := libmicrohttpd jansson sqlite3 libsodium xlsxwriter
TEST_PKGS := cmocka libcurl
# The API tests parse XML answers (Open311) with a real parser; the server
# itself writes XML without libxml2.
API_TEST_PKGS := libxml-2.0

WARN := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla
HARDEN := -fstack-protector-strong -fPIE -D_FORTIFY_SOURCE=2
SANITIZE := -fsanitize=address,undefined
ifeq ($(SAN),1)
  OPT := -O1 -g $(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  HARDEN := -fPIE
  SAN_LD := $(SANITIZE)
else
  OPT := -O2 -g
  SAN_LD :=
endif
WERROR ?=
CFLAGS_ALL := -std=c17 -D_GNU_SOURCE -DGRASSROOTS_VERSION='"$(VERSION)"' $(WARN) $(if $(WERROR),-Werror) \
	$(HARDEN) $(OPT) -Isrc $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(CFLAGS)
LDFLAGS_ALL := -pie -Wl,-z,relro,-z,now $(SAN_LD) $(LDFLAGS)
LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm
TEST_LIBS := $(shell pkg-config --libs $(TEST_PKGS) 2>/dev/null)
API_TEST_CFLAGS := $(shell pkg-config --cflags $(API_TEST_PKGS) 2>/dev/null)
API_TEST_LIBS := $(shell pkg-config --libs $(API_TEST_PKGS) 2>/dev/null)

SRC := $(shell find src -name '*.c' ! -name main.c | sort)
OBJ := $(SRC:%.c=$(BUILD)/obj/%.o)
MIGRATIONS := $(sort $(wildcard src/db/migrations/*.sql))
WEB := $(shell find web -type f | sort)
# Front-end libraries from node_modules (package-lock.json), embedded under /vendor/.
VENDOR_FILES := node_modules/echarts/dist/echarts.min.js
VENDOR := $(foreach f,$(VENDOR_FILES),/vendor/$(notdir $(f))=$(f))

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%)
API_SRC := $(sort $(wildcard tests/api/test_*.c))
API_BIN := $(API_SRC:tests/api/%.c=$(BUILD)/tests/api/%)
API_HARNESS := tests/api/harness.c

DEPS_STAMP := $(BUILD)/.deps-ok

.PHONY: all run check check-asan bench clean deps lint format test-unit test-api test-e2e
.DEFAULT_GOAL := all

all: $(BUILD)/grassroots

# Installs what is missing, once per checkout (the stamp is re-made when the
# lockfile or the script changes).
deps: $(DEPS_STAMP)
$(DEPS_STAMP): scripts/install-deps package.json package-lock.json
	@scripts/install-deps
	@mkdir -p $(@D) && touch $@

# Recompile everything when the flags change (make check adds -Werror).
$(BUILD)/cflags.txt: FORCE
	@mkdir -p $(@D)
	@echo '$(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL)' | cmp -s - $@ || echo '$(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL)' > $@
FORCE:

# Quiet by default; make V=1 shows the commands.
Q := $(if $(V),,@)

$(BUILD)/obj/%.o: %.c $(BUILD)/cflags.txt | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@$(if $(V),,echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

$(BUILD)/gen/assets.S: $(WEB) scripts/embed src/http/openapi_schemas.json Makefile | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@scripts/embed $@ embedded_assets $(foreach f,$(WEB),$(f:web/%=/%)=$(f)) \
		/openapi-schemas.json=src/http/openapi_schemas.json $(VENDOR)
$(BUILD)/gen/migrations.S: $(MIGRATIONS) scripts/embed Makefile
	@mkdir -p $(@D)
	@scripts/embed $@ embedded_migrations $(foreach f,$(MIGRATIONS),$(notdir $(f))=$(f))
# .incbin reads the files at assembly time, so the objects depend on them too.
# Reference data compiled in: the official holiday schedule (npm chinese-days).
CALENDAR_DATA := node_modules/chinese-days/dist/chinese-days.json
# npm files come from install-deps: a parallel build of a fresh clone waits for it.
$(VENDOR_FILES) $(CALENDAR_DATA): | $(DEPS_STAMP) ;
$(BUILD)/gen/data.S: scripts/embed Makefile | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@scripts/embed $@ embedded_data chinese-days.json=$(CALENDAR_DATA)
$(BUILD)/gen/data.o: $(BUILD)/gen/data.S $(DEPS_STAMP)
	$(Q)$(CC) -c $< -o $@
$(BUILD)/gen/assets.o: $(BUILD)/gen/assets.S $(WEB) src/http/openapi_schemas.json $(VENDOR_FILES)
	$(Q)$(CC) -c $< -o $@
$(BUILD)/gen/migrations.o: $(BUILD)/gen/migrations.S $(MIGRATIONS)
	$(Q)$(CC) -c $< -o $@

GEN_OBJ := $(BUILD)/gen/assets.o $(BUILD)/gen/migrations.o $(BUILD)/gen/data.o

$(BUILD)/libgrassroots.a: $(OBJ) $(GEN_OBJ)
	@rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/grassroots: $(BUILD)/obj/src/main.o $(BUILD)/libgrassroots.a
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ $^ $(LIBS)

$(BUILD)/tests/unit/%: tests/unit/%.c $(BUILD)/libgrassroots.a $(BUILD)/cflags.txt
	@mkdir -p $(@D)
	@$(if $(V),,echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS_ALL) -Itests $(LDFLAGS_ALL) -o $@ $< $(BUILD)/libgrassroots.a $(LIBS) $(TEST_LIBS)

$(BUILD)/tests/api/%: tests/api/%.c $(API_HARNESS) tests/api/harness.h $(BUILD)/cflags.txt | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@$(if $(V),,echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS_ALL) $(API_TEST_CFLAGS) -Itests $(LDFLAGS_ALL) -o $@ $< $(API_HARNESS) \
		$(LIBS) $(TEST_LIBS) $(API_TEST_LIBS)

lint:
	@scripts/lint

# Apply .clang-format to the C sources (needs Debian's clang-format).
format:
	clang-format -i $$(find src tests -name '*.[ch]')

test-unit: $(UNIT_BIN)
test-api: $(API_BIN) $(BUILD)/grassroots

# make check: -Werror build, lint, unit, API and browser tests; the last line
# is "N passed, N failed" and the exit status is non-zero on any failure.
check: deps
	@$(MAKE) --no-print-directory WERROR=1 all test-unit test-api
	@scripts/run-tests $(BUILD) unit api e2e lint

check-asan: deps
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/asan SAN=1 WERROR=1 all test-unit test-api
	@ASAN_OPTIONS=detect_leaks=1 scripts/run-tests $(BUILD)/asan unit api

run: deps all
	@scripts/run-demo $(BUILD)

bench: deps all
	@scripts/install-deps --bench
	@bench/run $(BUILD)

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
