# Tests for the guard work (filled in by that issue).
