"""Scoring tests, without Django."""
