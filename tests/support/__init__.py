"""Fakes and fixtures shared by the tests and the benchmark."""
