// A Batch and a BatchSet in Go, through the generated SDK and the openai-batch provider plugin,
// run with the Automation API (no Pulumi language host needed):
//
//	go run . preview | up | destroy
//
// The stack `dev` lives in this folder's project; the last line printed is a JSON summary.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/pulumi-openai-batch/pulumi-openai-batch/sdk/go/openaibatch"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// program declares a Batch of two inline requests that `up` waits for, with its results joined
// into results/summaries.jsonl, and a BatchSet over tickets.jsonl, split into batches of at most
// two requests here (50,000 by default).
func program(ctx *pulumi.Context) error {
	requests := openaibatch.BatchRequestLineArray{}
	for i, prompt := range []string{"Summarise Hamlet.", "Summarise Macbeth."} {
		requests = append(requests, openaibatch.BatchRequestLineArgs{
			Custom_id: pulumi.Sprintf("summary-%d", i+1),
			Method:    pulumi.String("POST"),
			Url:       pulumi.String("/v1/chat/completions"),
			Body: pulumi.Map{
				"model":    pulumi.String("gpt-4o-mini"),
				"messages": pulumi.Array{pulumi.Map{"role": pulumi.String("user"), "content": pulumi.String(prompt)}},
			},
		})
	}
	summaries, err := openaibatch.NewBatch(ctx, "summaries", &openaibatch.BatchArgs{
		Endpoint:          pulumi.String("/v1/chat/completions"),
		Requests:          requests,
		Metadata:          pulumi.StringMap{"team": pulumi.String("search")},
		WaitForCompletion: pulumi.Bool(true),
		ResultsPath:       pulumi.String("results/summaries.jsonl"),
	})
	if err != nil {
		return err
	}
	tickets, err := openaibatch.NewBatchSet(ctx, "tickets", &openaibatch.BatchSetArgs{
		Endpoint:            pulumi.String("/v1/chat/completions"),
		InputFile:           pulumi.String("tickets.jsonl"),
		MaxRequestsPerBatch: pulumi.Int(2),
		WaitForCompletion:   pulumi.Bool(true),
	})
	if err != nil {
		return err
	}
	ctx.Export("summariesId", summaries.ID())
	ctx.Export("summariesStatus", summaries.Status)
	ctx.Export("summariesResultsSha256", summaries.ResultsSha256)
	ctx.Export("ticketsBatchIds", tickets.BatchIds)
	ctx.Export("ticketsStatus", tickets.Status)
	ctx.Export("ticketsRequestCounts", tickets.RequestCounts)
	return nil
}

func main() {
	command := "up"
	if len(os.Args) > 1 {
		command = os.Args[1]
	}
	if err := run(context.Background(), command); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(ctx context.Context, command string) error {
	here, err := os.Getwd()
	if err != nil {
		return err
	}
	stack, err := auto.UpsertStackInlineSource(ctx, "dev", "openai-batch-go", program, auto.WorkDir(here))
	if err != nil {
		return err
	}
	summary := map[string]any{}
	switch command {
	case "preview":
		result, err := stack.Preview(ctx, optpreview.ProgressStreams(os.Stdout))
		if err != nil {
			return err
		}
		summary["changes"] = result.ChangeSummary
	case "up":
		result, err := stack.Up(ctx, optup.ProgressStreams(os.Stdout))
		if err != nil {
			return err
		}
		outputs := map[string]any{}
		for name, output := range result.Outputs {
			outputs[name] = output.Value
		}
		summary["result"], summary["changes"], summary["outputs"] = result.Summary.Result, result.Summary.ResourceChanges, outputs
	case "destroy":
		result, err := stack.Destroy(ctx, optdestroy.ProgressStreams(os.Stdout))
		if err != nil {
			return err
		}
		summary["result"], summary["changes"] = result.Summary.Result, result.Summary.ResourceChanges
	default:
		return fmt.Errorf("usage: go run . preview|up|destroy (not %q)", command)
	}
	line, err := json.Marshal(summary)
	if err != nil {
		return err
	}
	fmt.Println(string(line))
	return nil
}
