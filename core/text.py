"""Text that readers see must be writable as XML and storable by every database.

`clean_text` removes what XML 1.0 forbids (C0 controls other than tab, newline and carriage return; lone UTF-16
surrogates, which PostgreSQL refuses; U+FFFE/U+FFFF) and the C1 controls (U+0080–U+009F), which no editor types and
which feed readers choke on. A NUL reaches PostgreSQL as a DataError; a vertical tab makes Django's feed writer raise.
It also removes the bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): invisible, they
reorder what follows them, so a headline can read differently from what it says ("Trojan Source", CVE-2021-42574)
and an override left open runs on into the page around it. The marks U+200E/U+200F/U+061C (LRM, RLM, ALM) stay:
they reorder nothing beyond their own neutral neighbours, and Urdu, Arabic and Hebrew text mixed with Latin needs
them to put a full stop or a number on the right side (tests/unit/test_text.py).
Stories go through articles.services.save_story; the other models in READER_TEXT are cleaned by a pre_save
receiver and before form validation (connect_cleaning).
"""
import re

# Everything XML 1.0 cannot carry, plus DEL and the C1 controls, plus the bidi embeddings, overrides and isolates.
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
_UNWANTED = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff{BIDI_CONTROLS}]")


def clean_text(value):
    """`value` without control characters, bidi overrides, lone surrogates and non-characters; non-strings are
    returned as they are."""
    if not isinstance(value, str):
        return value
    return _UNWANTED.sub("", value)


def has_unwanted(value: str) -> bool:
    return bool(_UNWANTED.search(value))


def clean_fields(instance, names) -> None:
    """Clean the named text attributes of a model instance in place."""
    for name in names:
        setattr(instance, name, clean_text(getattr(instance, name)))


# Text readers see (pages, feeds, sitemaps, JSON-LD), model by model, cleaned by a pre_save receiver
# (connected in core.apps). Stories are cleaned by articles.services.save_story, their one write path.
READER_TEXT = {
    "articles.Section": ("name",),
    "taggit.Tag": ("name",),
    "reporters.Reporter": ("name", "designation", "bio"),
    "photos.Photo": ("alt_text", "caption"),
    "photos.Credit": ("name", "prefix"),
    "ads.AdSlot": ("label",),
    "ads.HouseCreative": ("title", "text"),
    "ads.Creative": ("alt_text",),
}
STORY_TEXT = ("headline", "standfirst", "body", "correction_note")


def clean_reader_text(sender, instance, **kwargs) -> None:
    clean_fields(instance, READER_TEXT.get(sender._meta.label, ()))


def clean_story_text(article, related) -> None:
    """The story's reader-facing text and its tag names, cleaned in place before save_story writes them."""
    clean_fields(article, STORY_TEXT)
    related.tags = [clean_text(tag) for tag in related.tags]


def _cleaning_first(model, names):
    """`model.clean_fields` that cleans the text first, so a form's unique check (which runs after it) sees the
    stored value: "World\x0b" typed for a new section is "already exists", not a database error at save."""
    original = model.clean_fields

    def clean_fields_after_cleaning(self, exclude=None):
        clean_fields(self, names)
        return original(self, exclude)

    return clean_fields_after_cleaning


def connect_cleaning() -> None:
    from django.apps import apps
    from django.db.models.signals import pre_save

    for label, names in READER_TEXT.items():
        model = apps.get_model(label)
        pre_save.connect(clean_reader_text, sender=model, dispatch_uid=f"clean-text-{label}")
        if not getattr(model.clean_fields, "cleans_reader_text", False):
            model.clean_fields = _cleaning_first(model, names)
            model.clean_fields.cleans_reader_text = True
