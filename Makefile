# cyberex: `make run` serves the tutorial live (open the printed links in a
# browser), `make headless` runs it without people, `make test` runs every
# test. Needs Go 1.26 or newer (https://go.dev/dl/); `make deps` installs the
# Debian packages the desktop client and the screenshot tests need.

GO       ?= go

# Scenario to run with `make run`.
SCENARIO ?= scenarios/tutorial
# Time given to each fuzz target by `make fuzz`.
FUZZTIME ?= 30s
# How long the fuzzer may minimise one new input (100 tries): with the
# default (60 s) FuzzRestore made 11 executions in 150 s on ~9 KB inputs,
# with 2s 99 in 20 s, with 100x 208,000 in 20 s.
FUZZMINIMIZETIME ?= 100x
# Architectures whose state hashes `make cross-arch` compares with this
# machine's, each GOARCH:qemu-user program (from Debian's
# qemu-user-static). Go's 386 port needs async preemption off under
# qemu-i386 7.2 (its signal delivery crashes the runtime otherwise).
CROSS_ARCHES ?= 386:qemu-i386-static arm64:qemu-aarch64-static
# Debian packages the tests need, installed by `make deps` when missing:
# headless Chromium (and a font for it) renders the after-action report in
# its tests and prints it to PDF (`cyberex report --format pdf`); the
# desktop client (ebiten) needs cgo with the X11/GL/ALSA headers and a
# display even to start, so its tests run under Xvfb; the browser client's
# test runs in headless Chromium. The headless program needs none of them.
# qemu-user-static runs the 386 and arm64 builds of the state-hash test
# (`make cross-arch`, part of `make test`).
APT_PACKAGES ?= chromium fonts-liberation gcc libc6-dev libgl1-mesa-dev libxcursor-dev libxi-dev libxinerama-dev libxrandr-dev libxxf86vm-dev libasound2-dev pkg-config xvfb xauth qemu-user-static nodejs
# `cyberex test scenarios/` runs the scenarios' own regression tests as part
# of `make test`: auto runs them when the program has a test command, yes
# always, no never.
SCENARIO_TESTS ?= yes

BIN := bin/cyberex
CLIENT := bin/cyberex-client
# Where `make web` puts the browser client; `cyberex serve` serves it.
WEB := web
# `make run`'s exercise: its data folder (wiped at each `make run`, so
# the join links are printed again) and the server's address.
LIVE ?= out/live
ADDR ?= 127.0.0.1:8080

.PHONY: all run headless test build client web bench fuzz deps check-go vet clean cross-arch icount

all: build

## run: serve the tutorial live: builds the browser client into web/, starts
## `cyberex serve` on a fresh exercise and prints the join links to open
run: build web
	@rm -rf $(LIVE)
	$(BIN) serve $(SCENARIO) --web $(WEB) --data $(LIVE) --addr $(ADDR)

## headless: run the tutorial headless (no server, no client) and print its summary
headless: check-go
	$(GO) run ./cmd/cyberex run $(SCENARIO)

## test: vet and test everything, then run the scenarios' regression tests
test: deps check-go
	$(GO) vet ./...
	CYBEREX_REQUIRE_CHROMIUM=1 $(GO) test -timeout 30m ./...
	$(MAKE) --no-print-directory cross-arch
	@case "$(SCENARIO_TESTS)" in \
	no) ;; \
	yes) $(MAKE) --no-print-directory build && $(BIN) test scenarios/ ;; \
	auto) $(MAKE) --no-print-directory build && \
	      if $(BIN) help test >/dev/null 2>&1; then $(BIN) test scenarios/; \
	      else echo "cyberex has no test command yet: scenario regression tests skipped"; fi ;; \
	*) echo "SCENARIO_TESTS must be auto, yes or no" >&2; exit 2 ;; \
	esac

## build: build bin/cyberex without cgo
build: check-go
	CGO_ENABLED=0 $(GO) build -o $(BIN) ./cmd/cyberex

## client: build the desktop client bin/cyberex-client (cgo, X11/GL: make deps)
client: check-go
	$(GO) build -o $(CLIENT) ./cmd/cyberex-client

## web: build the browser client (WebAssembly) into web/ for `cyberex serve`
web: check-go
	@mkdir -p $(WEB)
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags='-s -w' -o $(WEB)/cyberex-client.wasm ./cmd/cyberex-client
	cp "$$($(GO) env GOROOT)/lib/wasm/wasm_exec.js" $(WEB)/
	cp client/web/index.html $(WEB)/
	gzip -9 -k -f -n $(WEB)/cyberex-client.wasm
	@printf 'web/: cyberex-client.wasm %s bytes, %s gzipped (cyberex serve sends the .gz)\n' $$(wc -c < $(WEB)/cyberex-client.wasm) $$(wc -c < $(WEB)/cyberex-client.wasm.gz)

## bench: run the benchmarks of every package
bench: check-go
	$(GO) test -run '^$$' -bench . -benchmem ./...

## icount: instructions per tick of the NASim benchmark scenarios, native and
## Lua, counted by callgrind (exact and repeatable; needs valgrind)
icount: check-go
	tools/icount.sh

## fuzz: fuzz each Fuzz* target for FUZZTIME
fuzz: check-go
	@set -e; for f in $$(grep -rl --include='*_test.go' '^func Fuzz' . | sort); do \
		d=$$(dirname $$f); \
		for t in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' $$f); do \
			echo "== $$d $$t ($(FUZZTIME))"; \
			$(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZETIME) $$d; \
		done; \
	done

## cross-arch: the same state hashes on 386 and arm64 (under qemu-user) and
## on js/wasm (under Node) as here; the engine builds for 32-bit arm
cross-arch: check-go
	GOARCH=arm $(GO) build -o /dev/null ./cmd/cyberex
	GOARCH=386 $(GO) vet ./engine/... ./journal/ ./scenario/ ./session/
	GOOS=js GOARCH=wasm $(GO) build ./engine/... ./journal/ ./scenario/
	@mkdir -p bin/cross
	$(GO) test -c -o bin/cross/hostile-native.test ./tests/hostile
	cd tests/hostile && ../../bin/cross/hostile-native.test -test.run '^TestStateHashes$$' -test.short -hashes ../../bin/cross/hashes-native.txt
	@set -e; for pair in $(CROSS_ARCHES); do \
		arch=$${pair%%:*}; qemu=$${pair#*:}; \
		command -v $$qemu >/dev/null || { echo "$$qemu not found: make deps installs qemu-user-static" >&2; exit 1; }; \
		echo "== state hashes on $$arch ($$qemu)"; \
		GOARCH=$$arch $(GO) test -c -o bin/cross/hostile-$$arch.test ./tests/hostile; \
		(cd tests/hostile && GODEBUG=asyncpreemptoff=1 $$qemu ../../bin/cross/hostile-$$arch.test -test.run '^TestStateHashes$$' -test.short -hashes ../../bin/cross/hashes-$$arch.txt); \
		if ! cmp -s bin/cross/hashes-native.txt bin/cross/hashes-$$arch.txt; then \
			echo "state hashes differ between $$(go env GOARCH) and $$arch:" >&2; \
			diff bin/cross/hashes-native.txt bin/cross/hashes-$$arch.txt >&2 || true; exit 1; \
		fi; \
		echo "same state hashes on $$arch ($$(wc -l < bin/cross/hashes-$$arch.txt) compared)"; \
	done
	@command -v node >/dev/null || { echo "node not found: make deps installs nodejs (js/wasm runs under Node)" >&2; exit 1; }
	@echo "== state hashes on js/wasm (node)"
	GOOS=js GOARCH=wasm $(GO) test -c -o bin/cross/hostile-wasm.test ./tests/hostile
	cd tests/hostile && PATH="$$PATH:$$($(GO) env GOROOT)/lib/wasm" go_js_wasm_exec ../../bin/cross/hostile-wasm.test -test.run '^TestStateHashes$$' -test.short -hashes ../../bin/cross/hashes-wasm.txt
	@if ! cmp -s bin/cross/hashes-native.txt bin/cross/hashes-wasm.txt; then \
		echo "state hashes differ between $$(go env GOARCH) and js/wasm:" >&2; \
		diff bin/cross/hashes-native.txt bin/cross/hashes-wasm.txt >&2 || true; exit 1; \
	fi; echo "same state hashes on js/wasm ($$(wc -l < bin/cross/hashes-wasm.txt) compared)"

## deps: install the Debian packages in APT_PACKAGES that are missing
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
		dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
		$$sudo apt-get update && $$sudo apt-get install -y --no-install-recommends $$missing; \
	fi

## check-go: fail with a clear message unless Go 1.26 or newer is installed
check-go:
	@command -v $(GO) >/dev/null 2>&1 || { \
		echo "Go is not installed (or not on PATH). cyberex needs Go 1.26 or newer:" >&2; \
		echo "  download it from https://go.dev/dl/ and add /usr/local/go/bin to PATH" >&2; \
		echo "  (Debian's golang package is too old)." >&2; exit 1; }
	@v=$$(GOTOOLCHAIN=local $(GO) env GOVERSION 2>/dev/null | sed 's/^go//'); \
	major=$${v%%.*}; rest=$${v#*.}; minor=$${rest%%[!0-9]*}; \
	if [ -z "$$major" ] || [ "$$major" -lt 1 ] || { [ "$$major" -eq 1 ] && [ "$${minor:-0}" -lt 26 ]; }; then \
		echo "Go $$v is too old: cyberex needs Go 1.26 or newer (https://go.dev/dl/)." >&2; exit 1; \
	fi

clean:
	rm -rf bin $(WEB)
