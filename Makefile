# The README names these targets. Every one works on a fresh machine with Go installed.
GO      ?= go
BIN     := bin
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X github.com/milvus-rbac/milvus-rbac/command.Version=$(VERSION)

.PHONY: build test demo lint golden test-live clean bench fuzz release-check

build:
	@mkdir -p $(BIN)
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/milvus-rbac .
	$(GO) build -o $(BIN)/milvus-emulator ./cmd/milvus-emulator

## test: the whole suite (unit, golden, end to end against the emulator). No cluster needed.
test:
	$(GO) test -count=1 ./...

## demo: plan, apply and a clean re-plan of examples/quickstart.yaml against the bundled emulator.
demo: build
	./scripts/demo.sh

## lint: gofmt and go vet.
lint:
	@out=$$(gofmt -l . | grep -v '^vendor/' || true); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

## golden: rewrite the golden plans and their renderings in every format after a deliberate
## change of output.
golden:
	$(GO) test ./plan/... -run Golden -update
	$(GO) test ./command -run TestRenderGolden -update

## bench: time plan and apply against the emulator at 20 ms per call, beside the lower bound and
## the serial baseline (a table), and plan --targets over 20 emulators against the slowest one
## alone; then benchmark the pure diff of the large case. About 3 minutes.
bench: build
	$(GO) run ./bench -bin $(BIN)/milvus-rbac
	$(GO) test -run '^$$' -bench 'DiffLarge|DiffDropsMany' -benchmem ./plan/

## fuzz: run each fuzz target (API answers, spec files) for FUZZTIME; the seed corpora in
## testdata/fuzz already run in make test. New crashers land in testdata/fuzz: commit them.
FUZZTIME ?= 30s
fuzz:
	$(GO) test ./milvus -run '^$$' -fuzz '^FuzzDecodeResponse$$' -fuzztime $(FUZZTIME)
	$(GO) test ./milvus -run '^$$' -fuzz '^FuzzRead$$' -fuzztime $(FUZZTIME)
	$(GO) test ./spec -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME)

## test-live: the end-to-end suite against a real cluster at MILVUS_URI (skipped when unset).
test-live:
	@if [ -z "$$MILVUS_URI" ]; then echo "test-live: set MILVUS_URI (and MILVUS_TOKEN) to a disposable cluster, e.g. examples/docker-compose.yml; without it every test would skip and the run say PASS" >&2; exit 1; fi
	MILVUS_LIVE=1 $(GO) test -count=1 -v ./e2e/

## release-check: goreleaser check, then a snapshot release into dist/ (the six binaries, their
## archives and the checksums file; nothing published or signed), then check the snapshot
## (checksums, static linux binaries, version, archive contents). goreleaser is built from the
## Go module proxy at the pinned version: the first run takes minutes. Not part of make test.
GORELEASER_VERSION ?= v2.16.0
GORELEASER ?= $(GO) run github.com/goreleaser/goreleaser/v2@$(GORELEASER_VERSION)
release-check:
	$(GORELEASER) check
	$(GORELEASER) release --snapshot --clean --skip=publish,sign
	MILVUS_RBAC_DIST=$(CURDIR)/dist $(GO) test -count=1 -v -run '^TestReleaseSnapshot$$' ./install/

clean:
	rm -rf $(BIN) dist completions
