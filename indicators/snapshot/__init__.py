"""The snapshot, the contract between the build and the app: its documented tables (``schema``) and the
reader that checks a snapshot on opening (``read``)."""
