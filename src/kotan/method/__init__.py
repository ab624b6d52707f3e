"""The method of the IKOTAN index as plain Python: no Django, no database, no app.

The instrument spec and its YAML/XLSX forms, category schemes, the engine, synthetic data,
response and result tables, the problem catalogue, the region reference file and the file
commands (``kotan score``, ``kotan demo generate``, ``kotan instrument convert``). Everything
above it may import it; it imports nothing of ``kotan`` outside itself
(tests/test_floors.py checks both).
"""
