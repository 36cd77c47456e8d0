"""Radiology report texts: does the report mention a vertebral fracture, and at which levels?

Pure Python (no Django), so the pipeline, the web app and scripts can all use it.
"""

from studies.reports.mentions import ReportMentions, Sentence, detect_language, find_mentions

__all__ = ["ReportMentions", "Sentence", "detect_language", "find_mentions"]
