"""Running student code: a supervised worker process per exercise, and the trusted side of it."""
