"""For `pulumi up` in this folder, where Pulumi's Python language host is installed."""

from batches import program

program()
