# Tests for the cli work (filled in by that issue).
