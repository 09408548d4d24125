"""The Django site: lessons, exercises, progress, reviews and labs.  Depends on :mod:`linlab.course`."""
