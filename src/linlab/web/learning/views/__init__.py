"""Thin views: parse the request, call one action (``learning.actions``), render."""
