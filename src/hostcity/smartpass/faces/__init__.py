"""Face enrolment and gate verification: quality checks, dlib templates encrypted at rest, 1:1 and 1:N."""
