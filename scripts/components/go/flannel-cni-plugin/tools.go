//go:build tools

// Package tools pins the flannel CNI plugin main package that build.sh compiles
// (see versions.env for why it comes from containernetworking/plugins v0.9.1).
package tools

import _ "github.com/containernetworking/plugins/plugins/meta/flannel"
