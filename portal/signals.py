"""Signals that let a domain app say "data changed" without knowing who listens (evaluation, programmes):
data flows one way, portal ← domain apps ← evaluation/programmes (ARCHITECTURE.md)."""

from django.dispatch import Signal

# Accepted data of a region changed on a day (a report accepted or unlocked, an area acquired, an
# occupancy recorded). Keyword arguments: ``region_ids`` (list of Region ids), ``day`` (date).
accepted_data_changed = Signal()
