"""Pages of the Excel import (数据导入): pick a kind, download its template, upload → dry run (每行结果) →
confirm → applied in one transaction. Small files run in the request; large ones as a Celery job whose
progress the job page polls. City staff and district officers only."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from . import imports
from .models import ImportJob
from .taskqueue import TaskQueueUnavailable


class ImportMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.role not in imports.IMPORT_ROLES:
            raise PermissionDenied("只有市级用户和区县用户可以导入数据。")
        return super().dispatch(request, *args, **kwargs)


def _kinds():
    return [{"slug": slug, "kind": kind} for slug, kind in imports.kinds().items()]


def _start(request, job: ImportJob):
    """Small files run now, in the request; large ones in Celery once the job row is committed. Either way
    the answer is the job's page; when the task queue is down the job is failed and the page says why."""
    if job.row_count <= imports.background_rows():
        imports.execute_job(job)
    else:
        try:
            imports.queue_import_job(job)
        except TaskQueueUnavailable as exc:
            messages.error(request, exc.message)
    return redirect("imports:job", pk=job.pk)


class ImportIndexView(ImportMixin, View):
    def get(self, request):
        jobs = ImportJob.objects.visible_to(request.user).filter(actor=request.user)
        jobs = jobs.defer("content", "rows")[:10]
        return render(request, "imports/index.html", {"kinds": _kinds(), "jobs": jobs, "limits": _limits()})


def _limits():
    return {"rows": imports.max_rows(), "mb": imports.max_bytes() // 1024 // 1024}


class ImportUploadView(ImportMixin, View):
    def post(self, request, kind):
        kind_class = imports.kinds().get(kind)
        if kind_class is None:
            raise Http404("没有这种导入类型。")
        upload = request.FILES.get("file")
        error = None
        if upload is None:
            error = "请选择要上传的 .xlsx 文件。"
        else:
            try:
                rows, _headers = imports.read_upload(upload, kind_class)
            except imports.ImportRefused as exc:
                error = exc.message
        if error:
            context = {"kinds": _kinds(), "jobs": [], "limits": _limits(), "error": error, "error_kind": kind}
            return render(request, "imports/index.html", context, status=400)
        upload.seek(0)
        job = ImportJob.objects.create(
            kind=kind,
            actor=request.user,
            dry_run=True,
            filename=upload.name[:200],
            content=upload.read(),
            row_count=len(rows),
        )
        return _start(request, job)


class ImportJobView(ImportMixin, View):
    def get(self, request, pk):
        job = get_object_or_404(ImportJob.objects.visible_to(request.user).select_related("actor"), pk=pk)
        kind_class = imports.kinds().get(job.kind)
        rows = imports.display_rows(job.rows)
        context = {
            "job": job,
            "kind": kind_class,
            "progress": imports.job_progress(job),
            "running": job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING),
            "error_rows": [r for r in rows if r["action"] == imports.ERROR],
            "rows": rows[:500],
            "more_rows": max(0, len(rows) - 500),
            "can_confirm": job.dry_run
            and job.status == ImportJob.Status.DONE
            and not job.summary.get("errors")
            and job.actor_id == request.user.pk
            and not job.confirmations.exclude(status=ImportJob.Status.FAILED).exists(),
        }
        return render(request, "imports/job.html", context)


class ImportConfirmView(ImportMixin, View):
    def post(self, request, pk):
        source = get_object_or_404(ImportJob.objects.visible_to(request.user), pk=pk)
        if (
            not source.dry_run
            or source.status != ImportJob.Status.DONE
            or source.summary.get("errors")
            or source.actor_id != request.user.pk
        ):
            raise PermissionDenied("只能确认本人的、没有错误的试导入。")
        # A second click confirms nothing new; a confirmation that failed (nothing written: the task queue
        # was down, say) may be tried again.
        existing = source.confirmations.exclude(status=ImportJob.Status.FAILED).first()
        if existing is not None:
            return redirect("imports:job", pk=existing.pk)
        job = ImportJob.objects.create(
            kind=source.kind,
            actor=request.user,
            dry_run=False,
            source=source,
            filename=source.filename,
            content=bytes(source.content),
            row_count=source.row_count,
        )
        return _start(request, job)
