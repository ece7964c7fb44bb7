"""The snapshot build: a context handed to one step per source family, and the run that writes, checks and
swaps in the result (``python -m indicators build``)."""
