"""Extract readers, pandera contracts, code lists and the synthetic data generator."""
