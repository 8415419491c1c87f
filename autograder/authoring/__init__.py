"""For course authors and instructors: packaging the course for other graders (``gradescope``)."""
