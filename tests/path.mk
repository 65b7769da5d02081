# Tests for the path work (filled in by that issue).
