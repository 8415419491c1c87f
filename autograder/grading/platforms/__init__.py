"""Grading inside another system: ``gradescope`` (the autograder zip and its
``run_autograder``) and ``nbgrader_hidden`` (the hidden checks inside ``nbgrader autograde``)."""
