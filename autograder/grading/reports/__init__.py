"""What people read, written from results: ``feedback`` (a student's, as text, Markdown and
HTML), ``notebook_feedback`` (the same inside a notebook), ``gradebook`` (grades.csv),
``report`` (items.csv and report.html) and ``similarity`` (near-identical submissions)."""
