// OpenAI Batch jobs as Pulumi resources: preview checks every request line, up uploads the input and creates the batch (and can wait for it), destroy cancels it.
package openaibatch
