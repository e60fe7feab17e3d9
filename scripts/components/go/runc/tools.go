//go:build tools

// Package tools pins the runc main package that build.sh compiles.
package tools

import _ "github.com/opencontainers/runc"
