"""sparkwire benchmarks: each prints its figures next to the alternative measured in the same run."""
