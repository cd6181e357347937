"""Contract suites: one set of tests run against every registered engine and every sink."""
