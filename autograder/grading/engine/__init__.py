"""One submission -> results.

``submissions`` (a student's notebooks, one per lesson), ``cases`` (inputs and the reference's
expected values, once per run), ``reference_calls``/``reference_server``/``call_bounds`` (the
reference, called from a check in its own process, within bounds), ``session`` (a confined
worker per function), ``outcomes`` (what a check sees), ``run`` (the checks under pytest) and
``results`` (the records every report is written from).
"""
