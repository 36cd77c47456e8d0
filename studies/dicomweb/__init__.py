"""DICOMweb (QIDO-RS search, WADO-RS retrieve) over the DICOM store, for Cornerstone3D/OHIF viewers.

``views`` (retrieve, metadata, frames, bulk data) and ``search`` (QIDO-RS) are thin: the reads are in
``selectors``, the DICOM JSON in ``metadata`` and ``dicom_json``, its disk cache in ``cache``, pixel
data in ``frames``, content negotiation in ``accept``, the response bodies in ``multipart``, the
access check in ``auth`` and studies that live only on a PACS in ``proxy``.
"""
