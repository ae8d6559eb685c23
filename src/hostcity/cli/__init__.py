"""The ``hostcity`` command line: one command group per pillar plus core commands."""
