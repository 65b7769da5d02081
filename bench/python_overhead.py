#!/usr/bin/env python3
"""Binding overhead benchmark (placeholder, filled in when the Python binding lands)."""
