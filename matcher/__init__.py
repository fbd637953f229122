"""The engine: builds, filters, scores and explains pathways; allocates seats.

Pure: takes dataclasses, numpy arrays and pandas frames, never Flask or SQLAlchemy.
"""
