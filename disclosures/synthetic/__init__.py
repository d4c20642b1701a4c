"""Synthetic but realistic 双公示 data: `generate_disclosures` (benchmarks) and the demo data."""
