"""Benchmarks: scripts run by hand or by ``make bench``; results go to BENCHMARKS.md."""
