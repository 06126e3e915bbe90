from django.contrib import admin

from .models import RetentionSchedule


@admin.register(RetentionSchedule)
class RetentionScheduleAdmin(admin.ModelAdmin):
    list_display = ["organisation", "years_after_employment", "updated_at"]
    autocomplete_fields: list[str] = []
    raw_id_fields = ["organisation"]
