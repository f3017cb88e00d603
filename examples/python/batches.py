"""The Pulumi program: one Batch of two inline requests, and one BatchSet over tickets.jsonl,
each waiting for its batches and writing the joined results under results/."""

import pulumi
import pulumi_openai_batch as openai_batch


def program() -> None:
    summaries = openai_batch.Batch(
        "summaries",
        endpoint="/v1/chat/completions",
        requests=[
            {
                "custom_id": f"summary-{index}",
                "method": "POST",
                "url": "/v1/chat/completions",
                "body": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": prompt}]},
            }
            for index, prompt in enumerate(["Summarise Hamlet.", "Summarise Macbeth."], start=1)
        ],
        wait_for_completion=True,
        results_path="results/summaries.jsonl",
    )
    # Any number of requests: split into batches of at most 50,000 requests and 200 MB.
    tickets = openai_batch.BatchSet(
        "tickets",
        endpoint="/v1/chat/completions",
        input_file="tickets.jsonl",
        wait_for_completion=True,
        results_path="results/tickets.jsonl",
    )
    pulumi.export("summaries_status", summaries.status)
    pulumi.export("summaries_results_sha256", summaries.results_sha256)
    pulumi.export("tickets_shard_count", tickets.shard_count)
    pulumi.export("tickets_batch_ids", tickets.batch_ids)
    pulumi.export("tickets_status", tickets.status)
    pulumi.export("tickets_request_counts", tickets.request_counts)
    pulumi.export("tickets_results_summary", tickets.results_summary)
