//go:build tools

// Package tools pins the coredns main packages that build.sh compiles.
package tools

import (
	_ "github.com/coredns/coredns"
)
