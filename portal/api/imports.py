"""``imports/{kind}/`` (POST an .xlsx, ``?dry_run=1`` to only check), ``imports/{kind}/template/`` (GET the
template) and ``imports/jobs/{id}/`` (a background import's progress and report). City staff and district
officers import; enterprise users do not (403)."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from portal import imports, xlsx
from portal.models import ImportJob

from .base import RolePermission

KINDS = ["buildings", "enterprises", "occupancies", "monthly-reports"]


class ImportErrorSerializer(serializers.Serializer):
    column = serializers.CharField(allow_null=True)
    cell = serializers.CharField(allow_null=True)
    message = serializers.CharField()
    text = serializers.CharField()


class ImportRowSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    action = serializers.ChoiceField(choices=["created", "updated", "unchanged", "error"])
    errors = ImportErrorSerializer(many=True)


class ImportSummarySerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    errors = serializers.IntegerField()


class ImportReportSerializer(serializers.Serializer):
    summary = ImportSummarySerializer()
    rows = ImportRowSerializer(many=True)


class ImportFileRefusedSerializer(serializers.Serializer):
    """The file itself is refused before any row is read (missing, not .xlsx, too large, wrong headers…)."""

    file = serializers.ListField(child=serializers.CharField())


class ImportDetailSerializer(serializers.Serializer):
    """A request DRF could not parse (400: a broken multipart body) or a job the task queue refused (503)."""

    detail = serializers.CharField()


IMPORT_400 = PolymorphicProxySerializer(
    component_name="ImportBadRequest",
    serializers=[ImportReportSerializer, ImportFileRefusedSerializer, ImportDetailSerializer],
    resource_type_field_name=None,
)


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(label=".xlsx 文件")


class ImportJobSerializer(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField()
    rows = ImportRowSerializer(many=True, read_only=True)

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "kind",
            "dry_run",
            "filename",
            "row_count",
            "status",
            "progress",
            "committed",
            "error",
            "summary",
            "rows",
            "created_at",
            "finished_at",
        ]

    def get_progress(self, job) -> int:
        return imports.job_progress(job)

    @extend_schema_field(ImportSummarySerializer(allow_null=True))
    def get_summary(self, job):
        return job.summary or None


def _kind(slug: str):
    kind = imports.kinds().get(slug)
    if kind is None:
        raise Http404("没有这种导入类型。")
    return kind


class ImportRolesMixin:
    permission_classes = [RolePermission]

    def roles_for(self, request):
        return imports.IMPORT_ROLES


KIND_PARAMETER = OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=KINDS)


class ImportView(ImportRolesMixin, APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="imports_create",
        parameters=[
            KIND_PARAMETER,
            OpenApiParameter("dry_run", bool, description="1：只检查并报告每一行，不写入。"),
            OpenApiParameter(
                "background", bool, description="1：作为后台任务运行，立即返回 202 和任务编号。"
            ),
        ],
        request={"multipart/form-data": ImportUploadSerializer},
        responses={
            200: ImportReportSerializer,
            202: ImportJobSerializer,
            400: OpenApiResponse(
                IMPORT_400,
                description="有错误的行（逐行报告，全部不写入）；文件被拒绝（file）；或请求体无法解析（detail）。",
            ),
            503: OpenApiResponse(
                ImportDetailSerializer,
                description="后台任务服务暂不可用（background=1）：任务已标记为失败，请稍后重试。",
            ),
        },
    )
    def post(self, request, kind):
        kind_class = _kind(kind)
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"file": ["请上传 .xlsx 文件（表单字段 file）。"]}, status=400)
        try:
            rows, headers = imports.read_upload(upload, kind_class)
        except imports.ImportRefused as exc:
            return Response({"file": [exc.message]}, status=400)
        dry_run = request.query_params.get("dry_run", "") in ("1", "true", "True")
        if request.query_params.get("background", "") in ("1", "true", "True"):
            upload.seek(0)
            job = ImportJob.objects.create(
                kind=kind,
                actor=request.user,
                dry_run=dry_run,
                filename=upload.name[:200],
                content=upload.read(),
                row_count=len(rows),
            )
            imports.queue_import_job(job)  # refused: the job is failed and the answer is a 503
            return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)
        report = imports.run_import(kind_class, rows, headers, actor=request.user, dry_run=dry_run)
        code = 400 if report.has_errors and not dry_run else 200
        return Response(report.as_dict(), status=code)


class ImportTemplateView(ImportRolesMixin, APIView):
    @extend_schema(
        operation_id="imports_template",
        parameters=[KIND_PARAMETER],
        responses={(200, xlsx.XLSX): OpenApiTypes.BINARY},
    )
    def get(self, request, kind):
        kind_class = _kind(kind)
        return xlsx.response(imports.template_workbook(kind_class), f"{kind_class.title}导入模板.xlsx")


class ImportJobView(ImportRolesMixin, APIView):
    @extend_schema(responses=ImportJobSerializer)
    def get(self, request, pk):
        job = ImportJob.objects.visible_to(request.user).filter(pk=pk).first()
        if job is None:
            raise Http404("导入任务不存在或不在您的管辖范围内。")
        return Response(ImportJobSerializer(job).data)
