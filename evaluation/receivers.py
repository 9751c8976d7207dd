from django.db.models import Q
from django.dispatch import receiver

from portal.signals import accepted_data_changed

from .models import Scheme
from .tasks import schedule_recompute


@receiver(accepted_data_changed)
def recompute_affected_schemes(sender, region_ids, day, **kwargs):
    """Accepted data of a region changed: every scheme whose period covers the day and that evaluates the
    region (or one of its child units) gets a debounced recompute."""
    schemes = Scheme.objects.filter(Q(regions__in=region_ids) | Q(regions__parent__in=region_ids)).filter(
        year=day.year
    )
    for scheme in schemes.distinct():
        if scheme.start <= day <= scheme.end:
            schedule_recompute(scheme.pk)
