from django.db import migrations

# key, name, placement, width, height, after_paragraph, house creative (title, text, link)
SLOTS = [
    ("header", "Header leaderboard", "header", 728, 90, None,
     ("Get the morning briefing", "The day's top stories in your inbox by 7 am IST.", "/")),
    ("after-byline", "After the byline", "after_byline", 300, 250, None,
     ("Follow the story", "Every update, as it happens, on our home page.", "/")),
    ("inline", "Inline in the story", "inline", 300, 250, 2,
     ("Business at a glance", "Markets, companies and the economy.", "/section/business/")),
    ("end-of-article", "End of article", "end_of_article", 728, 90, None,
     ("More from India", "Reporting from every state.", "/section/india/")),
    ("sidebar", "Sidebar", "sidebar", 300, 600, None,
     ("World news", "What the world is talking about today.", "/section/world/")),
    ("home", "Home page billboard", "home", 970, 250, None,
     ("Advertise with Newsroom", "Reach readers across India. Write to ads@newsroom.example.", "/")),
]


def create_slots(apps, schema_editor):
    AdSlot = apps.get_model("ads", "AdSlot")
    HouseCreative = apps.get_model("ads", "HouseCreative")
    for key, name, placement, width, height, after, (title, text, link) in SLOTS:
        slot, created = AdSlot.objects.get_or_create(
            key=key,
            defaults={"name": name, "placement": placement, "width": width, "height": height, "after_paragraph": after},
        )
        if created:
            HouseCreative.objects.create(slot=slot, title=title, text=text, click_url=link)


class Migration(migrations.Migration):
    dependencies = [("ads", "0001_initial")]
    operations = [migrations.RunPython(create_slots, migrations.RunPython.noop)]
