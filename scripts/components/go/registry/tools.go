//go:build tools

// Package tools pins the registry main package that build.sh compiles.
package tools

import (
	_ "github.com/distribution/distribution/v3/cmd/registry"
)
