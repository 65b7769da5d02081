# Manual pages (filled in by the CLI issue).
