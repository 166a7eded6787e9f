"""Salary data API for medical records specialists (SOC 29-2072)."""
