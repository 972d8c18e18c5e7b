"""Realistic data volumes for benchmarks and capacity checks (``manage.py generate_load_data``)."""
