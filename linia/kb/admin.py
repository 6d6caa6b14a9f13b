from django.contrib import admin
from django.http import HttpRequest

from .models import Article, ArticleRevision, KbCategory, Tag


@admin.register(KbCategory)
class KbCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "parent", "position")
    search_fields = ("name",)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ("name",)


class RevisionInline(admin.TabularInline):
    model = ArticleRevision
    extra = 0
    can_delete = False
    fields = ("number", "title", "author", "created_at", "note")
    readonly_fields = fields
    ordering = ("-number",)


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    # Editing goes through the desk (services keep revisions and the search index); the admin
    # is for looking and for fixing ownership in an emergency.
    list_display = ("title", "language", "visibility", "status", "owner", "updated_at")
    list_filter = ("status", "visibility", "language")
    search_fields = ("title",)
    readonly_fields = ("title", "body", "revision_number", "view_count", "helpful_count",
                       "unhelpful_count", "source_ticket")  # fmt: skip
    raw_id_fields = ("owner",)
    inlines = [RevisionInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
