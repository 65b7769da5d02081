# Python binding (filled in by the Python issue).
