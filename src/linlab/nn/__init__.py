"""PyTorch models and checkpoints read as linear maps: per-layer reports and token readouts.

Depends on :mod:`linlab.algebra` only.  The analysis of whole models (``linlab analyze``) lands here.
"""
