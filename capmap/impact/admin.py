from django.contrib import admin

from .models import ActivityRecord, ActivityType, ImpactAssumption


@admin.register(ActivityType)
class ActivityTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "job_role", "unit", "better", "gp_appointments_per_unit", "active"]
    list_filter = ["job_role", "unit", "active"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(ImpactAssumption)
class ImpactAssumptionAdmin(admin.ModelAdmin):
    list_display = ["organisation", "minutes_per_gp_appointment"]


@admin.register(ActivityRecord)
class ActivityRecordAdmin(admin.ModelAdmin):
    list_display = ["person", "activity_type", "period_kind", "period_start", "count", "minutes"]
    list_filter = ["period_kind", "activity_type__job_role"]
    raw_id_fields = ["person", "organisation", "recorded_by"]
