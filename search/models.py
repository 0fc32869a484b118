from django.db import models


class SearchDocument(models.Model):
    """The searchable plain text of one story, written when the story changes (never on a reader's request).

    Every story has one, whatever its state: visibility is decided when a search runs, from
    `Article.objects.live()`, so a scheduled story is found from its instant with no reindexing.
    The full-text index over these rows is backend-specific (see search/schema.py).
    """

    article = models.OneToOneField(
        "articles.Article", on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    headline = models.TextField(blank=True)
    standfirst = models.TextField(blank=True)
    body = models.TextField(blank=True, help_text="Plain text of the body.")
    bylines = models.TextField(blank=True)
    tags = models.TextField(blank=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "search_searchdocument"

    def __str__(self) -> str:
        return self.headline
