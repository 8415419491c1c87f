"""A class run, ``course grade``: ``class_run`` is the order of things.

``students`` (whose notebooks), ``pool`` and ``worker`` (the grading processes), ``shards``
(one share of a class, and the shares merged), ``policy`` (what a run applies: ``late`` work,
``overrides``), ``lms`` (an LMS's roster and grade import), ``archive`` (results kept beside the
gradebook, with their history), ``audit`` (what changed, when, why), ``near`` (did-you-mean for
names) and ``outputs`` (everything written from the results).
"""
