"""Data the target metrics or the completeness card read changed: bump the versions their shared values are
cached under (``programmes.metrics``, "Shared values"), once the change commits."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from buildings.models import AcquisitionChange, Building, Designation, Occupancy
from enterprises.choices import ReportStatus
from enterprises.models import Enterprise, Honour, MonthlyReport
from portal.signals import accepted_data_changed

from .metrics import ACCEPTED_DATA, FILINGS, bump_version, bump_version_on_commit
from .models import Event, InvestmentProject

# Every model a metric of ``METRICS`` reads. Targets, progress entries and work items are read live.
READ_BY_METRICS = (
    Enterprise,
    Honour,
    MonthlyReport,
    Building,
    AcquisitionChange,
    Occupancy,
    Designation,
    InvestmentProject,
    Event,
)


@receiver(accepted_data_changed)
def accepted_data_changed_bumps(sender, **kwargs):
    bump_version(ACCEPTED_DATA)  # sent on commit already
    bump_version(FILINGS)


def _saved(sender, instance, **kwargs):
    bump_version_on_commit(FILINGS)
    # Metrics read accepted reports only, and a report leaves that state only through services that send
    # accepted_data_changed: drafts and submissions being saved change no metric.
    if sender is not MonthlyReport or instance.status == ReportStatus.ACCEPTED:
        bump_version_on_commit(ACCEPTED_DATA)


def _deleted(sender, instance, **kwargs):
    bump_version_on_commit(FILINGS)
    bump_version_on_commit(ACCEPTED_DATA)


for model in READ_BY_METRICS:
    post_save.connect(_saved, sender=model, dispatch_uid=f"programmes-metrics-saved-{model._meta.label}")
    post_delete.connect(
        _deleted, sender=model, dispatch_uid=f"programmes-metrics-deleted-{model._meta.label}"
    )
