//go:build tools

// Package tools pins the YAML language host (pulumi-language-yaml) that the YAML example and its
// end-to-end tests run under. It is a module of its own so that its requirements never move the
// version of the Pulumi CLI pinned in tools/pulumi-cli.
package tools

import (
	_ "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
)
