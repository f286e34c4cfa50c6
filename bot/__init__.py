"""Fil rouge edges: channels, the turn joining engine and storage, workers, CLI, app."""
