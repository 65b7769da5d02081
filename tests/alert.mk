# Tests for the alert work (filled in by that issue).
