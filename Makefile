# The README names these targets. Every one works on a fresh machine with Go installed.
GO      ?= go
BIN     := bin
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X github.com/milvus-rbac/milvus-rbac/command.Version=$(VERSION)

.PHONY: build test demo lint golden test-live clean

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

## golden: rewrite the golden plans after a deliberate change of output.
golden:
	$(GO) test ./plan/... -run Golden -update

## test-live: the end-to-end suite against a real cluster at MILVUS_URI (skipped when unset).
test-live:
	MILVUS_LIVE=1 $(GO) test -count=1 -v ./e2e/

clean:
	rm -rf $(BIN)
