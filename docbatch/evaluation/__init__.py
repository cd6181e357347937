"""Evaluations of docbatch against real, labelled documents (run as ``python -m``)."""
