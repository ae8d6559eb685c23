"""Smart Pass faces: enrolment with quality checks, encrypted templates, 1:1 and 1:N gates."""
