from django.contrib import admin

from .models import ReportRequest, WorkerHeartbeat


@admin.register(ReportRequest)
class ReportRequestAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "kind",
        "format",
        "organisation",
        "requested_by",
        "status",
        "created_at",
    ]
    list_filter = ["status", "kind", "format"]
    readonly_fields = [f.name for f in ReportRequest._meta.fields]


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["worker_id", "hostname", "pid", "started_at", "last_seen"]
