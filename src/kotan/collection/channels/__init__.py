"""Many channels, one ingestion.

Each channel turns what it receives into a payload and hands it to
``kotan.collection.ingest.ingest_submission``; none writes a response itself.

- ``api``: JSON over HTTP (``POST /api/v1/submissions/``), also the offline outbox's way in.
- ``web``, ``web_forms``, ``web_views``: the web questionnaire, by respondent link or by an
  enumerator, section by section in a draft, and its offline version (service worker, outbox).
- ``odk``, ``odk_views``: ODK Collect / KoboCollect (XForm, OpenRosa).
- ``excel``, ``excel_views``: a workbook template per assignment and the upload of filled ones.
- ``paper``, ``paper_views``: the printable questionnaire, typed in later through a channel above.
"""
