"""The VCF Sentinel domain app: patients, imaging, analyses, findings and the clinical workflow."""
