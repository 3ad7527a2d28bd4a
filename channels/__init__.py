"""Rasa input channels for verkoopcoach (loaded by the Rasa server via credentials.yml)."""
