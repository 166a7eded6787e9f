"""The domain floor: the read model, areas and their resolver, occupations, provenance. No feature and
nothing HTTP is imported here."""
