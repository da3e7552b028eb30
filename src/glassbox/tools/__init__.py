"""Developer tools: dvc.yaml generation and the end-of-run summary."""
