"""Analysis pipeline stages: localisation, labelling, landmarks, measurement, density, exclusions.

Each stage lives in its own module and is imported from there; this package imports nothing so
that the stages stay independent of each other.
"""
