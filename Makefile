# Sentinel — the two quick-start commands are `make run` and `make test`.
SWIFT ?= swift
PATH := /opt/swift/usr/bin:$(PATH)
export PATH

.PHONY: run test build release deps bench clean contract

deps:
	@.ci/install-deps

## Starts the service on the embedded defaults: SQLite file ./sentinel.db, bundled replay
## data at 60× speed (one market minute per second), http://127.0.0.1:8080.
run: deps
	$(SWIFT) build -c release --product sentinel
	.build/release/sentinel serve --source replay --speed 60

## Builds everything and runs every test.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product sentinel

clean:
	rm -rf .build

## The API bundles a copy of the contract; refresh it after editing OpenAPI/openapi.yaml.
contract:
	cp OpenAPI/openapi.yaml Sources/API/Resources/openapi.yaml
