from django.contrib import admin

from .models import TrainingItem


@admin.register(TrainingItem)
class TrainingItemAdmin(admin.ModelAdmin):
    list_display = ["title", "provider", "format", "hours", "cost", "active"]
    list_filter = ["format", "active"]
    search_fields = ["title", "provider"]
    filter_horizontal = ["competencies"]
