"""Benchmarks of docbatch, run from the project root (not shipped in the wheel).

    python -m benchmarks.fault_matrix    # the fault matrix (nothing lost, nothing paid twice)
    python benchmarks/quota.py           # achieved rate against a DetectText quota
    python benchmarks/local_engine.py    # embedded engine throughput per worker count
    python benchmarks/ray_executor.py    # the same, process pool beside Ray actors
"""
