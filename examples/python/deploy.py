"""Runs the program of batches.py with the Pulumi Automation API, without a language host:

    python deploy.py preview | up | destroy

The stack `dev` lives in this folder's project; the last line printed is a JSON summary.
"""

import json
import os
import sys

from pulumi import automation as auto

from batches import program


def main(command: str) -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    stack = auto.create_or_select_stack(stack_name="dev", project_name="openai-batch-python", program=program,
                                        work_dir=here)
    if command == "preview":
        result = stack.preview(on_output=print, color="never")
        summary = {"changes": result.change_summary}
    elif command == "up":
        result = stack.up(on_output=print, color="never")
        summary = {
            "result": result.summary.result,
            "changes": result.summary.resource_changes,
            "outputs": {name: output.value for name, output in result.outputs.items()},
        }
    elif command == "destroy":
        result = stack.destroy(on_output=print, color="never")
        summary = {"result": result.summary.result, "changes": result.summary.resource_changes}
    else:
        sys.exit(f"usage: python deploy.py preview|up|destroy (not {command!r})")
    print(json.dumps(summary))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "up")
