//go:build tools

// Package tools pins the crictl main packages that build.sh compiles.
package tools

import (
	_ "sigs.k8s.io/cri-tools/cmd/crictl"
)
