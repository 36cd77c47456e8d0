"""extract_zip: members one at a time into a private folder; unsafe members refused, bombs stopped."""

from __future__ import annotations

import os
import stat
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import override_settings

from studies.ingest.archives import ArchiveError, archive_kind, extract_zip
from studies.ingest.store import DicomStore
from studies.models import Instance, StudySource
from studies.services.ingest import Outcome
from studies.services.uploads import ingest_upload
from tests.services.conftest import dicom_files
from tests.services.zips import folder_members, patch_member, write_zip

ZEROS_8_MIB = bytes(8 * 1024**2)


@pytest.fixture
def staging(tmp_path: Path) -> Path:
    folder = tmp_path / "staging"
    folder.mkdir()
    return folder


@dataclass(frozen=True)
class Seen:
    name: str
    content: bytes | None  # read while the extracted file still existed
    error: str


def extract(archive: Path, staging: Path) -> list[Seen]:
    found = []
    for member in extract_zip(archive, label=archive.name, staging_dir=staging):
        assert member.path is None or member.path.is_relative_to(staging)
        found.append(Seen(member.name, member.path.read_bytes() if member.path else None, member.error))
    return found


def errors(members: list[Seen]) -> dict[str, str]:
    return {m.name: m.error for m in members if m.content is None}


def extracted(members: list[Seen]) -> list[str]:
    return [m.name for m in members if m.content is not None]


def test_members_come_one_at_a_time_and_leave_nothing_behind(tmp_path: Path, staging: Path) -> None:
    contents = {"a/one.dcm": b"first", "a/b/two.dcm": b"second" * 1000, "three": b""}
    archive = write_zip(
        tmp_path / "study.zip",
        [
            ("a/", b""),
            *contents.items(),
            ("__MACOSX/a/._one.dcm", b"resource fork"),
            ("a/.DS_Store", b"junk"),
            ("._three", b"junk"),
            ("DICOMDIR", b"index"),
        ],
    )
    seen: dict[str, bytes] = {}
    previous: Path | None = None
    for member in extract_zip(archive, label="study.zip", staging_dir=staging):
        assert member.path is not None and member.error == ""
        assert previous is None or not previous.exists()  # the last one is gone before the next comes
        seen[member.name] = member.path.read_bytes()
        previous = member.path
    assert seen == {f"study.zip/{name}": data for name, data in contents.items()}
    assert list(staging.iterdir()) == []


def test_closing_early_removes_the_private_folder(tmp_path: Path, staging: Path) -> None:
    archive = write_zip(tmp_path / "x.zip", [("one", b"1"), ("two", b"2")])
    members = extract_zip(archive, label="x.zip", staging_dir=staging)
    first = next(members)
    assert first.path is not None and first.path.exists()
    members.close()
    assert list(staging.iterdir()) == []


@pytest.mark.parametrize(
    "name",
    ["../evil.dcm", "/etc/evil.dcm", "C:/evil.dcm", "c:evil.dcm", "a/../../evil.dcm", "a\\..\\..\\evil.dcm"],
)
def test_paths_leading_out_of_the_archive_are_refused(tmp_path: Path, staging: Path, name: str) -> None:
    archive = write_zip(tmp_path / "slip.zip", [(name, b"payload"), ("fine.dcm", b"ok")])
    members = extract(archive, staging)
    assert list(errors(members)) == [f"slip.zip/{name}"]
    assert "unsafe path" in errors(members)[f"slip.zip/{name}"]
    assert extracted(members) == ["slip.zip/fine.dcm"]
    assert not any(tmp_path.rglob("evil.dcm"))


def test_symbolic_link_members_are_refused(tmp_path: Path, staging: Path) -> None:
    link = zipfile.ZipInfo("link.dcm")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    archive = write_zip(tmp_path / "links.zip", [(link, b"/etc/passwd"), ("fine.dcm", b"ok")])
    members = extract(archive, staging)
    assert "symbolic link" in errors(members)["links.zip/link.dcm"]
    assert extracted(members) == ["links.zip/fine.dcm"]


def test_a_member_compressed_beyond_the_ratio_is_refused(tmp_path: Path, staging: Path) -> None:
    archive = write_zip(tmp_path / "bomb.zip", [("zeros.dcm", ZEROS_8_MIB), ("fine.dcm", b"ok")])
    assert archive.stat().st_size < 64 * 1024  # a real bomb: 8 MiB from a few KiB
    members = extract(archive, staging)
    assert "zip bomb" in errors(members)["bomb.zip/zeros.dcm"]
    assert extracted(members) == ["bomb.zip/fine.dcm"]


@override_settings(VCF_ARCHIVE_MAX_EXPANDED_BYTES=20 * 1024**2)
def test_an_archive_expanding_beyond_the_total_limit_is_refused_whole(tmp_path: Path, staging: Path) -> None:
    archive = write_zip(tmp_path / "big.zip", [(f"part{i}.dcm", ZEROS_8_MIB) for i in range(3)])
    with (
        override_settings(VCF_ARCHIVE_MAX_RATIO=100_000),
        pytest.raises(ArchiveError, match=r"would expand to 24\.0 MiB, more than the limit of 20\.0 MiB"),
    ):
        extract(archive, staging)
    assert list(staging.iterdir()) == []


def test_a_header_understating_the_size_does_not_let_more_out(tmp_path: Path, staging: Path) -> None:
    archive = write_zip(tmp_path / "liar.zip", [("small.dcm", ZEROS_8_MIB), ("fine.dcm", b"ok")])
    patch_member(archive, "small.dcm", file_size=1000)
    members = extract(archive, staging)
    assert "corrupt" in errors(members)["liar.zip/small.dcm"]
    assert extracted(members) == ["liar.zip/fine.dcm"]


@override_settings(VCF_ARCHIVE_MAX_MEMBERS=3)
def test_too_many_members_refuse_the_archive(tmp_path: Path, staging: Path) -> None:
    archive = write_zip(tmp_path / "many.zip", [(f"{i}.dcm", b"x") for i in range(4)])
    with pytest.raises(ArchiveError, match="4 entries, more than the limit of 3"):
        extract(archive, staging)
    exactly = write_zip(tmp_path / "three.zip", [(f"{i}.dcm", b"x") for i in range(3)])
    assert len(extract(exactly, staging)) == 3


def test_encrypted_members_are_refused(tmp_path: Path, staging: Path) -> None:
    archive = write_zip(tmp_path / "locked.zip", [("secret.dcm", b"x" * 100), ("fine.dcm", b"ok")])
    patch_member(archive, "secret.dcm", flag_bits=0x1)
    assert "encrypted" in errors(extract(archive, staging))["locked.zip/secret.dcm"]


def test_an_archive_inside_the_archive_is_not_expanded(tmp_path: Path, staging: Path) -> None:
    inner = write_zip(tmp_path / "inner.zip", [("deep.dcm", b"deep")])
    archive = write_zip(tmp_path / "outer.zip", [("renamed.dcm", inner.read_bytes()), ("fine.dcm", b"ok")])
    members = extract(archive, staging)
    assert "archive inside archive" in errors(members)["outer.zip/renamed.dcm"]
    assert "outer.zip/deep.dcm" not in {m.name for m in members}


def test_unsupported_compression_is_refused(tmp_path: Path, staging: Path) -> None:
    archive = write_zip(tmp_path / "bz.zip", [("packed.dcm", b"x" * 1000)], method=zipfile.ZIP_BZIP2)
    assert "compression method 12" in errors(extract(archive, staging))["bz.zip/packed.dcm"]


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_corrupt_archive_is_refused_clearly(tmp_path: Path, staging: Path, damage: str) -> None:
    good = write_zip(tmp_path / "good.zip", [("a.dcm", os.urandom(5000)), ("b.dcm", b"b")]).read_bytes()
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04" + os.urandom(3000) if damage == "garbage" else good[: len(good) // 2])
    with pytest.raises(ArchiveError, match="not a readable zip archive"):
        extract(broken, staging)
    assert list(staging.iterdir()) == []


def test_a_damaged_member_is_refused_alone(tmp_path: Path, staging: Path) -> None:
    archive = write_zip(tmp_path / "dent.zip", [("a.dcm", os.urandom(5000)), ("b.dcm", b"fine")])
    data = bytearray(archive.read_bytes())
    data[1000:1010] = bytes(10)  # inside a.dcm's data (random, so it stays about 5000 bytes long)
    archive.write_bytes(bytes(data))
    members = extract(archive, staging)
    assert "corrupt" in errors(members)["dent.zip/a.dcm"]
    assert extracted(members) == ["dent.zip/b.dcm"]


def test_archive_kind_goes_by_content() -> None:
    assert archive_kind(b"PK\x03\x04rest") == "zip"
    assert archive_kind(b"\x1f\x8b\x08") == "gzip"
    assert archive_kind(b"PK\x03\x04" + bytes(124) + b"DICM") is None  # a DICOM preamble may be anything
    assert archive_kind(bytes(128) + b"DICM") is None


@pytest.mark.django_db
def test_good_members_are_stored_next_to_bad_ones(phantom_series: Path, tmp_path: Path) -> None:
    files = dicom_files(phantom_series)
    archive = write_zip(
        tmp_path / "mixed.zip",
        [
            *folder_members(phantom_series, "series/"),
            ("../escape.dcm", files[0].read_bytes()),
            ("zeros.dcm", ZEROS_8_MIB),
            ("notes.txt", b"not dicom"),
        ],
    )
    staged_before = set(DicomStore().staging_dir.iterdir())
    report = ingest_upload(files=[(archive, "mixed.zip")], source=StudySource.UPLOAD)
    assert report.count(Outcome.STORED) == len(files) == Instance.objects.count()
    rejected = {o.name for o in report.outcomes if o.outcome is Outcome.REJECTED}
    assert rejected == {"mixed.zip/../escape.dcm", "mixed.zip/zeros.dcm", "mixed.zip/notes.txt"}
    assert len(report.analyses) == 1
    assert set(DicomStore().staging_dir.iterdir()) == staged_before


@override_settings(VCF_ARCHIVE_MAX_MEMBERS=10)
def test_the_member_count_is_checked_before_the_directory_is_parsed(tmp_path: Path, staging: Path) -> None:
    archive = write_zip(tmp_path / "claims.zip", [("a.dcm", b"a")])
    data = bytearray(archive.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 60_000, 60_000)  # entries on this disk, entries in all
    archive.write_bytes(bytes(data))
    with pytest.raises(ArchiveError, match="60000 entries"):
        extract(archive, staging)
