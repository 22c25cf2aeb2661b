"""Whitewall: the public content wall and the operations platform that runs it."""

__version__ = "0.1.0"
