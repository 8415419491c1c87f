"""Grading: find a student's notebooks, run each graded function confined, run the checks.

``submissions`` (whose notebooks), ``cases`` (inputs and the reference's expected values, once
per run), ``session`` (a confined worker per function), ``outcomes`` (what a check sees),
``run`` (the checks under pytest), ``results`` (records, reports, results), ``feedback`` (what a
person reads) and ``gradebook`` (a whole class). Around a class's grades: ``archive`` (results
kept beside the gradebook), ``report`` (items.csv, report.html), ``similarity`` (near-identical
submissions), ``exports`` (an LMS's gradebook import); ``nbgrader_hidden`` grades inside
``nbgrader autograde``.
"""
