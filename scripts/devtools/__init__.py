"""Development tools of this repository (benchmarks, the synthetic-package generator).

Not part of the installed toolkit: run them from the repository root as
``PYTHONPATH=scripts .venv/bin/python -m devtools.bench`` (``make bench`` does).
"""
