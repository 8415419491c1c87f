"""Grading: find a student's notebooks, run each graded function confined, run the checks.

``submissions`` (whose notebooks), ``cases`` (inputs and the reference's expected values, once
per run), ``session`` (a confined worker per function), ``outcomes`` (what a check sees),
``run`` (the checks under pytest), ``results`` (records, reports, results), ``feedback`` (what a
person reads) and ``gradebook`` (a whole class).
"""
