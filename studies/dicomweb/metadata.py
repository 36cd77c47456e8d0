"""WADO-RS metadata: the DICOM JSON of a series, built once and kept on disk until it changes.

A series' JSON is built in one pass over its files (``dicom_json``) with a placeholder where the
service's base URL goes, and stored as a template keyed by the series' state (pk, instance count,
time of the last new instance): a series that receives instances gets a new key and is built again,
and the old entries are deleted. From the template, the body for each base URL (scheme and host the
clients use) is stored ready to send, plain and gzipped, so a warm request reads one file.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from studies.dicomweb import cache
from studies.dicomweb.dicom_json import instance_json
from studies.dicomweb.errors import DicomWebError
from studies.dicomweb.selectors import StoredInstance, series_instances
from studies.models import Series

FORMAT_VERSION = "1"  # bump when the JSON produced changes: old cache entries are then ignored
PLACEHOLDER = "@@vcf-dicomweb-base@@"
GZIP_LEVEL = 6


@dataclass(frozen=True)
class Body:
    """A metadata answer: its ETag and its bytes, plain or gzipped."""

    etag: str
    plain: bytes
    gzipped: bytes | None = None


def bulk_uri_prefix(base: str, item: StoredInstance) -> str:
    return f"{base}/studies/{item.study_uid}/series/{item.series_uid}/instances/{item.sop_uid}/bulkdata/"


def instance_metadata(item: StoredInstance, base: str) -> dict[str, Any]:
    prefix = bulk_uri_prefix(base, item)
    try:
        return instance_json(item.path, lambda tag: f"{prefix}{tag:08X}")
    except OSError as error:
        message = f"stored file of instance {item.sop_uid} cannot be read ({error})"
        raise DicomWebError(message, status=500) from None


def series_key(series: Series) -> str:
    last = series.last_instance_at.timestamp() if series.last_instance_at else 0.0
    return f"v{FORMAT_VERSION}-{series.instance_count}-{int(last * 1_000_000)}"


def _base_hash(base: str) -> str:
    return hashlib.sha256(base.encode()).hexdigest()[:16]


def series_etag(series: Series, base: str) -> str:
    return f'"s{series.pk}-{series_key(series)}-{_base_hash(base)}"'


def series_metadata(series: Series, base: str, *, want_gzip: bool) -> Body:
    """The series' metadata answer for clients that reach the service at ``base``."""
    folder = cache.cache_root() / f"series-{series.pk}"
    key = series_key(series)
    final = folder / f"{key}-{_base_hash(base)}.json"
    etag = series_etag(series, base)
    plain = cache.read_or_none(final)
    gzipped = cache.read_or_none(final.with_suffix(".json.gz")) if want_gzip else None
    if plain is not None and (gzipped is not None or not want_gzip):
        return Body(etag, plain, gzipped)
    plain = ensure_template(series).replace(PLACEHOLDER.encode(), base.encode())
    gzipped = gzip.compress(plain, compresslevel=GZIP_LEVEL, mtime=0)
    cache.write_atomic(final.with_suffix(".json.gz"), gzipped)
    cache.write_atomic(final, plain)
    return Body(etag, plain, gzipped)


def ensure_template(series: Series) -> bytes:
    """The series' JSON with the base URL placeholder, built and stored when missing or stale.

    The first metadata request of a series pays for the build (about 0.5 ms an instance); a caller
    that knows a series is complete (the analysis queue) may call this beforehand."""
    folder = cache.cache_root() / f"series-{series.pk}"
    key = series_key(series)
    template_path = folder / f"{key}.template"
    template = cache.read_or_none(template_path)
    if template is None:
        template = build_series_template(series)
        cache.write_atomic(template_path, template)
        cache.prune(folder, keep_prefix=key)
    return template


def build_series_template(series: Series) -> bytes:
    items = [instance_metadata(item, PLACEHOLDER) for item in series_instances(series)]
    return dumps(items)


def dumps(items: list[dict[str, Any]]) -> bytes:
    return json.dumps(items, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def join_arrays(bodies: list[bytes]) -> bytes:
    """Several JSON arrays as one (the study's series, without parsing them)."""
    inner = [body.strip()[1:-1].strip() for body in bodies]
    return b"[" + b",".join(part for part in inner if part) + b"]"
