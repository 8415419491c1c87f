"""The ``course`` command's commands, one module each; :mod:`autograder.cli` assembles them."""
