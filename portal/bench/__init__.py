"""``manage.py bench`` (issue 9): the portal at city scale, measured against baselines taken in the same run
on the same machine. The command (``portal/management/commands/bench.py``) orchestrates; the pieces live here:

- ``database``: the scratch PostgreSQL database (refusals, create, drop, its URL);
- ``server``: gunicorn on loopback and wrk runs against it (``wrk.lua`` prints exact percentiles as JSON);
- ``inner``: the steps that run inside the scratch database as a subprocess (preparing accounts and sessions,
  the recompute against hand-written SQL, the import against openpyxl reading the file);
- ``sql``: the hand-written SQL of that recompute baseline;
- ``settings``/``urls``/``views``: gunicorn's settings, the portal's URL conf plus the bare JSON view.
"""
