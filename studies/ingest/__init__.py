"""Getting DICOM into the store: header checks, the file store, pseudonyms, archives.

The Django-side services (``studies.services.ingest``) use these; the three routes in (upload and
import, PACS pull, C-STORE push) all end in ``studies.services.ingest.ingest_file``.
"""
