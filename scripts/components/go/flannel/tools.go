//go:build tools

// Package tools pins the flannel main packages that build.sh compiles.
package tools

import (
	_ "github.com/flannel-io/flannel"
)
