"""Builders of the reference seeds the dbt project ships (bank holidays, population)."""
