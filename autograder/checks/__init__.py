"""The checks: one pytest module per lesson. Points per check live in course.yml."""
