"""Test helpers shared by the suites, the benchmarks and the evaluations (run from the project root).

``bench`` (loopback servers, a far-side engine, what a user can observe of a run),
``hostile_inputs`` (a manifest of every kind of bad input) and ``responses`` (DetectText
responses from text placed on a page).  Not shipped in the wheel.
"""
