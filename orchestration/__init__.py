"""Dagster code location for the children's services data warehouse."""
