from django.contrib import admin

from .models import RetentionPeriod


@admin.register(RetentionPeriod)
class RetentionPeriodAdmin(admin.ModelAdmin):
    list_display = ["organisation", "kind", "years", "updated_at"]
    raw_id_fields = ["organisation"]
