"""WADO-RS series metadata read by the real dicomweb-client from a live server."""

from __future__ import annotations

import pydicom
import pytest

from studies.dicomweb.selectors import series_instances

pytestmark = pytest.mark.django_db(transaction=True)


def test_series_metadata_has_every_instance_with_its_header(dicomweb, stored_series) -> None:
    study, series = stored_series.study.study_instance_uid, stored_series.series_instance_uid
    items = dicomweb.retrieve_series_metadata(study, series)
    stored = series_instances(stored_series)
    assert [item["00080018"]["Value"][0] for item in items] == [i.sop_uid for i in stored]
    first = pydicom.dcmread(stored[0].path, stop_before_pixels=True)
    item = items[0]
    assert item["00020010"] == {"vr": "UI", "Value": ["1.2.840.10008.1.2.1"]}
    assert item["00280010"] == {"vr": "US", "Value": [int(first.Rows)]}
    assert item["00200032"]["Value"] == [float(v) for v in first.ImagePositionPatient]
    assert item["00281052"]["Value"] == [int(first.RescaleIntercept)]
    assert item["00100010"] == {"vr": "PN", "Value": [{"Alphabetic": str(first.PatientName)}]}
    assert "InlineBinary" not in item["7FE00010"] and "Value" not in item["7FE00010"]
    assert item["7FE00010"]["vr"] == "OW"


def test_metadata_loads_as_pydicom_datasets(dicomweb, stored_series) -> None:
    items = dicomweb.retrieve_series_metadata(
        stored_series.study.study_instance_uid, stored_series.series_instance_uid
    )
    dataset = pydicom.Dataset.from_json(items[0], bulk_data_uri_handler=lambda *args: b"")
    assert dataset.Modality == "CT"
    assert dataset.SeriesInstanceUID == stored_series.series_instance_uid


def test_pixel_bulkdata_uri_is_absolute_and_resolves_to_the_stored_value(
    dicomweb, live_server, stored_series
) -> None:
    study, series = stored_series.study.study_instance_uid, stored_series.series_instance_uid
    item = dicomweb.retrieve_series_metadata(study, series)[0]
    uri = item["7FE00010"]["BulkDataURI"]
    sop = item["00080018"]["Value"][0]
    assert (
        uri == f"{live_server.url}/dicomweb/studies/{study}/series/{series}/instances/{sop}/bulkdata/7FE00010"
    )
    (value,) = dicomweb.retrieve_bulkdata(uri)
    stored = next(i for i in series_instances(stored_series) if i.sop_uid == sop)
    assert value == pydicom.dcmread(stored.path).PixelData


def test_study_and_instance_metadata(dicomweb, stored_series) -> None:
    study, series = stored_series.study.study_instance_uid, stored_series.series_instance_uid
    whole = dicomweb.retrieve_study_metadata(study)
    assert len(whole) == stored_series.instance_count
    sop = whole[3]["00080018"]["Value"][0]
    one = dicomweb.retrieve_instance_metadata(study, series, sop)
    assert one == whole[3]
