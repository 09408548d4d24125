"""The course as data: lesson loading and validation, exercises, answer parsing and grading.

Depends on :mod:`linlab.algebra`; the web site and the CLI use it through its public API.
"""
