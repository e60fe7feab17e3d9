# kk — the two commands a new user needs (as root, on Debian/Ubuntu): `make setup`, `make test`.
SHELL := /bin/bash
PREFIX ?= /usr/local
# OS packages kk needs on the control machine and for its end-to-end test machines.
APT_PACKAGES := nats-server fio systemd-container dbus-daemon debootstrap iproute2 iptables curl openssl ca-certificates docker-registry \
  gcc libc6-dev libseccomp-dev pkg-config binutils

.PHONY: setup deps build typecheck lint fmt format-check test test-unit test-e2e demo demo-down install bench clean testbed-down components

setup: deps build

deps:
	@if [ "$$(id -u)" != 0 ]; then echo "make setup installs OS packages: run it as root" >&2; exit 1; fi
	DEBIAN_FRONTEND=noninteractive apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(APT_PACKAGES)
	npm ci --no-audit --no-fund

build:
	node scripts/build.mjs

typecheck:
	npx tsc -p tsconfig.json --noEmit

lint:
	npx eslint .

# Formatting is Prettier's (.prettierrc.json); `make test` fails on an unformatted file.
fmt:
	npx prettier --write --log-level warn "**/*.{ts,mjs}"

format-check:
	npx prettier --check --log-level warn "**/*.{ts,mjs}"

# The real Kubernetes components for the test machines, built from Go modules (Go at /usr/local/go)
# into $(KK_COMPONENTS_DIR); cached by version: a second run takes seconds (docs/components.md).
# charts.sh runs after layout.ts, which rewrites mirror/ where charts.sh also puts the charts.
components: build
	bash scripts/components/build.sh
	bash scripts/components/verify.sh >/dev/null
	node --import tsx scripts/components/layout.ts
	bash scripts/components/charts.sh

test: typecheck lint format-check build components
	node scripts/run-tests.mjs all

test-unit: build
	node scripts/run-tests.mjs unit

test-e2e: build
	node scripts/run-tests.mjs e2e

demo: build components
	bash scripts/demo.sh

demo-down:
	bash scripts/demo.sh down

testbed-down:
	bash scripts/testbed/testbed.sh down

install: build
	install -d $(PREFIX)/lib/kk/dist $(PREFIX)/lib/kk/bin $(PREFIX)/bin
	cp -r dist/. $(PREFIX)/lib/kk/dist/
	install -m 0755 bin/kk-coordinator bin/kk-agent $(PREFIX)/lib/kk/bin/
	ln -sf $(PREFIX)/lib/kk/bin/kk-coordinator $(PREFIX)/bin/kk-coordinator
	ln -sf $(PREFIX)/lib/kk/bin/kk-agent $(PREFIX)/bin/kk-agent

# Benchmarks (never part of `make test`); the Ansible comparison needs Debian's ansible-core.
bench: build
	@command -v ansible >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ansible-core openssh-client
	node --import tsx bench/run.ts

clean:
	rm -rf dist
