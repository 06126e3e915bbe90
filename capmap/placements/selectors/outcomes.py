"""Reads of outcome measures: values by month for run charts, and change from baseline."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, QuerySet

from capmap.organisations.models import Organisation, OrganisationKind
from capmap.people import policy

from ..models import Direction, Measure, MeasureValue, Phase, Scheme

TWO_PLACES = Decimal("0.01")


def measures_of(scheme: Scheme) -> QuerySet[Measure]:
    return scheme.measures.annotate(entered=Count("values"))


def get_led_measure(user, scheme: Scheme, pk: int) -> Measure:
    """The measure, or Measure.DoesNotExist when the user does not lead its scheme."""
    return Measure.objects.filter(
        policy.allowed_q(user, policy.LEAD_SCHEME, via="scheme__"), scheme=scheme
    ).get(pk=pk)


def outcome_practices(scheme: Scheme) -> QuerySet[Organisation]:
    """Practices inside the scheme owner's tree: the ones whose figures the scheme may hold."""
    return Organisation.objects.filter(
        path__startswith=scheme.owner.path, kind=OrganisationKind.PRACTICE
    ).order_by("name")


def values_of(measure: Measure) -> QuerySet[MeasureValue]:
    return measure.values.select_related("practice").order_by("month", "practice__name")


@dataclass(frozen=True)
class MonthPoint:
    month: object
    phase: str  # "Baseline", "Follow-up" or "Baseline and follow-up"
    practices: int
    mean: Decimal

    @property
    def label(self) -> str:
        return f"{self.month:%b %Y}"


def monthly_means(measure: Measure) -> list[MonthPoint]:
    """The mean value per practice for each month with figures, in month order."""
    rows = (
        measure.values.values("month", "phase")
        .annotate(total=Count("pk"), mean=Avg("value"))
        .order_by("month", "phase")
    )
    months: dict = {}
    for row in rows:
        months.setdefault(row["month"], []).append(row)
    points = []
    for month, parts in months.items():
        practices = sum(p["total"] for p in parts)
        mean = sum(Decimal(str(p["mean"])) * p["total"] for p in parts) / practices
        phases = sorted({Phase(p["phase"]).label for p in parts})
        points.append(
            MonthPoint(
                month=month,
                phase=" and ".join(phases).capitalize() if len(phases) > 1 else phases[0],
                practices=practices,
                mean=mean.quantize(TWO_PLACES, ROUND_HALF_UP),
            )
        )
    return points


@dataclass(frozen=True)
class ChangeFromBaseline:
    measure: Measure
    baseline_mean: Decimal | None
    follow_up_mean: Decimal | None
    baseline_values: int
    follow_up_values: int

    @property
    def change(self) -> Decimal | None:
        if self.baseline_mean is None or self.follow_up_mean is None:
            return None
        return self.follow_up_mean - self.baseline_mean

    @property
    def better(self) -> bool | None:
        """True when the change goes the measure's better way, None without both phases."""
        change = self.change
        if change is None or change == 0:
            return None
        return change < 0 if self.measure.better == Direction.LOWER else change > 0

    @property
    def verdict(self) -> str:
        change = self.change
        if change is None:
            return "Not known yet: it needs baseline and follow-up values."
        if change == 0:
            return "No change from baseline."
        return "Better than baseline." if self.better else "Worse than baseline."

    @property
    def change_text(self) -> str:
        change = self.change
        return "" if change is None else f"{change:+.2f}"


def _mean(values: QuerySet, phase: str) -> tuple[Decimal | None, int]:
    found = values.filter(phase=phase).aggregate(mean=Avg("value"), n=Count("pk"))
    if not found["n"]:
        return None, 0
    return Decimal(str(found["mean"])).quantize(TWO_PLACES, ROUND_HALF_UP), found["n"]


def change_from_baseline(measure: Measure) -> ChangeFromBaseline:
    """Mean of the follow-up values minus mean of the baseline values (all practices, months)."""
    baseline, n_baseline = _mean(measure.values.all(), Phase.BASELINE)
    follow_up, n_follow_up = _mean(measure.values.all(), Phase.FOLLOW_UP)
    return ChangeFromBaseline(measure, baseline, follow_up, n_baseline, n_follow_up)
