"""For course authors: ``course build`` (lessons and public cases from ``solutions/``, with
``staleness`` deciding what is out of date), ``course release`` (the student bundle, searched for
answers by ``leaks``), ``regions``, the one reader of the solution markers, and ``gradescope``
(the course as a Gradescope autograder)."""
