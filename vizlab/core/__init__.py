"""The training core: the only part of vizlab that imports torch."""
