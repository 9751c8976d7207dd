"""Evidence uploaded with a manual score is size-limited and type-checked (issue 10): a refused file
writes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from evaluation import services
from evaluation.models import ManualScore

from .conftest import DEVELOPMENT

pytestmark = pytest.mark.django_db

MANUAL = [
    *DEVELOPMENT[:3],
    {"code": "ecosystem", "name": "产业生态建设", "weight": "30", "source": "manual"},
]


@pytest.fixture
def scheme(make_scheme):
    indicators = [
        dict(MANUAL[0], weight="10"),
        dict(MANUAL[1], weight="40"),
        MANUAL[2],
        dict(MANUAL[3], weight="20"),
    ]
    return make_scheme(indicators=indicators)


def post(api, user, scheme, upload):
    body = {"region": "500105", "indicator": "ecosystem", "score": "15", "attachment": upload}
    return api.as_user(user).post(
        f"/api/v1/evaluation/schemes/{scheme.pk}/manual-scores/", body, format="multipart"
    )


@pytest.mark.parametrize(
    ("name", "size", "message"),
    [
        (
            "证明.exe",
            100,
            "证明材料格式不支持，请上传 pdf、doc、docx、xls、xlsx、ppt、pptx、jpg、png、zip、rar 文件。",
        ),
        (
            "证明",
            100,
            "证明材料格式不支持，请上传 pdf、doc、docx、xls、xlsx、ppt、pptx、jpg、png、zip、rar 文件。",
        ),
        (
            "证明.html",
            100,
            "证明材料格式不支持，请上传 pdf、doc、docx、xls、xlsx、ppt、pptx、jpg、png、zip、rar 文件。",
        ),
        ("证明.pdf", services.EVIDENCE_MAX_MB * 1024 * 1024 + 1, "证明材料不能超过 20 MB。"),
    ],
)
def test_bad_evidence_is_refused_and_nothing_written(world, api, scheme, name, size, message):
    response = post(api, world.city, scheme, SimpleUploadedFile(name, b"x" * size))
    assert response.status_code == 400
    assert response.data == {"attachment": [message]}
    assert not ManualScore.objects.exists()


def test_a_pdf_within_the_limit_is_kept(world, api, scheme, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = post(api, world.city, scheme, SimpleUploadedFile("证明.PDF", b"%PDF-1.4 evidence"))
    assert response.status_code == 201, response.data
    assert ManualScore.objects.get().attachment.name.endswith(".PDF")
