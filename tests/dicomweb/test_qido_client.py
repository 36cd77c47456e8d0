"""QIDO-RS searches through the real dicomweb-client."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def _value(item: dict, tag: str):
    return item[tag]["Value"][0] if "Value" in item[tag] else None


def test_search_for_studies_with_filters(dicomweb, live_server, stored_series, stored_jpegls) -> None:
    study = stored_series.study
    everything = dicomweb.search_for_studies()
    assert {_value(s, "0020000D") for s in everything} == {
        study.study_instance_uid,
        stored_jpegls.study.study_instance_uid,
    }
    (found,) = dicomweb.search_for_studies(search_filters={"AccessionNumber": study.accession_number})
    assert _value(found, "0020000D") == study.study_instance_uid
    assert _value(found, "00100020") == study.patient.pseudo_id
    assert found["00100010"]["Value"] == [{"Alphabetic": study.patient.pseudo_id}]
    assert found["00080061"]["Value"] == ["CT"]
    assert _value(found, "00201206") == 1
    assert _value(found, "00201208") == stored_series.instance_count
    assert _value(found, "00080020") == study.study_date.strftime("%Y%m%d")
    assert _value(found, "00081190") == f"{live_server.url}/dicomweb/studies/{study.study_instance_uid}"
    assert found["00080030"] == {"vr": "TM"}  # required, not stored


def test_search_filters_match_or_exclude(dicomweb, stored_series, stored_jpegls) -> None:
    day = stored_series.study.study_date.strftime("%Y%m%d")
    assert len(dicomweb.search_for_studies(search_filters={"StudyDate": day})) == 2
    assert len(dicomweb.search_for_studies(search_filters={"StudyDate": f"-{day}"})) == 2
    assert dicomweb.search_for_studies(search_filters={"StudyDate": "19000101-19101231"}) == []
    pseudo = stored_series.study.patient.pseudo_id
    (one,) = dicomweb.search_for_studies(search_filters={"PatientID": pseudo})
    assert len(dicomweb.search_for_studies(search_filters={"PatientName": pseudo[:4].lower() + "*"})) >= 1
    assert dicomweb.search_for_studies(search_filters={"ModalitiesInStudy": "MR"}) == []
    assert len(dicomweb.search_for_studies(search_filters={"ModalitiesInStudy": "CT"})) == 2
    assert len(dicomweb.search_for_studies(limit=1)) == 1
    assert len(dicomweb.search_for_studies(limit=1, offset=1)) == 1
    assert dicomweb.search_for_studies(offset=2) == []
    assert one


def test_search_for_series_and_instances(dicomweb, live_server, stored_series) -> None:
    study, series = stored_series.study.study_instance_uid, stored_series.series_instance_uid
    (found,) = dicomweb.search_for_series(study_instance_uid=study)
    assert _value(found, "0020000E") == series
    assert _value(found, "00080060") == "CT"
    assert _value(found, "00201209") == stored_series.instance_count
    assert _value(found, "00081190") == f"{live_server.url}/dicomweb/studies/{study}/series/{series}"
    assert len(dicomweb.search_for_series(search_filters={"Modality": "CT"})) == 1
    assert dicomweb.search_for_series(search_filters={"SeriesNumber": 999}) == []
    instances = dicomweb.search_for_instances(study_instance_uid=study, series_instance_uid=series)
    assert len(instances) == stored_series.instance_count
    numbers = [_value(i, "00200013") for i in instances]
    assert numbers == sorted(numbers)
    (third,) = dicomweb.search_for_instances(study_instance_uid=study, search_filters={"InstanceNumber": 3})
    assert _value(third, "00080016") == "1.2.840.10008.5.1.4.1.1.2"
    assert _value(third, "0020000E") == series
    assert len(dicomweb.search_for_instances(limit=5)) == 5


def test_includefield(dicomweb, stored_series) -> None:
    (plain,) = dicomweb.search_for_series()
    assert "00181210" not in plain
    (kernel,) = dicomweb.search_for_series(fields=["ConvolutionKernel"])
    assert kernel["00181210"]["Value"] == [stored_series.convolution_kernel]
    (everything,) = dicomweb.search_for_series(fields=["all"])
    assert "00100020" in everything and "00181210" in everything
