"""The parts of ``bench/generate.py``: vocabulary, org tree, goals, updates, bulk writing.

Each part plans rows in memory from one seeded ``random.Random`` (so a seed gives the same
rows every time); :mod:`bench.orggen.writer` writes them in bulk.
"""
