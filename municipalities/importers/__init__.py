"""Readers for the official register files. Each yields ``SourceRow`` objects; validation and the
upsert live in ``municipalities.importers.validation`` and ``municipalities.services``."""
