# The dropwatch command-line tool (filled in by the CLI issue).
