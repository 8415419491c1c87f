"""Grading: find a student's notebooks, run each graded function confined, run the checks.

``submissions`` (whose notebooks), ``cases`` (inputs and the reference's expected values, once
per run), ``session`` (a confined worker per function), ``outcomes`` (what a check sees),
``run`` (the checks under pytest), ``results`` (records, reports, results), ``feedback`` (what a
person reads) and ``gradebook`` (a whole class). ``class_run`` is ``course grade``: a class, a
regrade, a shard (``shards``) or the shards merged. Around a class's grades: ``archive``
(results kept beside the gradebook, with their history), ``policy`` (what a run applies to
them: ``late`` work, ``overrides``), ``outputs`` (everything written from them), ``report``
(items.csv, report.html), ``similarity`` (near-identical submissions), ``lms`` (an LMS's grade
import and roster), ``audit`` (what changed, when, why); ``nbgrader_hidden`` grades inside
``nbgrader autograde``.
"""
