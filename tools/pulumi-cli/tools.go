//go:build tools

// Package tools pins the Pulumi CLI (the Go engine) that the end-to-end tests run against.
// Its version must equal the @pulumi/pulumi version in package.json; see scripts/ensure-pulumi-cli.sh.
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
