"""Renderers: Trace in, pictures out. Nothing here imports torch."""
