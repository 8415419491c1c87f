"""Grading, by job; each subpackage imports only those listed after it.

``platforms``: grading inside another system (Gradescope's ``run_autograder``, nbgrader's
``autograde``). ``classes``: ``course grade``, a whole class run (its students, grading
processes, shards, late work, overrides, archive, audit log, LMS files, everything written).
``reports``: what people read (feedback, the gradebook, the class report and item analysis,
similarity). ``engine``: one submission -> results (its notebooks, the hidden cases, a confined
worker per function, the checks under pytest, the records).
"""
