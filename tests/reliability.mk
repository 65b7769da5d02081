# Tests for the reliability work (filled in by that issue).
