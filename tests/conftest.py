"""Shared pytest set-up: a non-interactive Matplotlib backend for every test."""
import matplotlib

matplotlib.use("Agg")
