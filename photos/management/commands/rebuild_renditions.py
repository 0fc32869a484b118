"""Make the renditions of existing photos: `manage.py rebuild_renditions [--missing-only] [--strip-originals]`."""
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from photos.checks import BadImage
from photos.models import Photo
from photos.renditions import build_renditions, is_complete
from photos.services import strip_stored_original


class Command(BaseCommand):
    help = "Make every photo's renditions (16:9, 4:3, 1:1 and original aspect; WebP and JPEG) from its original."

    def add_arguments(self, parser):
        parser.add_argument(
            "--missing-only", action="store_true",
            help="Only photos whose set of renditions is incomplete or out of date (by rows, not by file checks).",
        )
        parser.add_argument(
            "--strip-originals", action="store_true",
            help="Also re-encode originals uploaded before uploads were stripped, where they still carry EXIF "
                 "(GPS, camera, orientation) or XMP; their renditions are remade from the upright picture.",
        )
        parser.add_argument("--photo", type=int, action="append", default=[], help="Only this photo id (repeatable).")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar (logs, cron).")

    def handle(self, *args, missing_only=False, strip_originals=False, photo=(), no_progress=False, **options):
        photos = Photo.objects.order_by("pk").prefetch_related("renditions")
        if photo:
            photos = photos.filter(pk__in=photo)
        total = photos.count()
        built = skipped = stripped = 0
        failures: list[str] = []
        progress = tqdm(total=total, unit="photo", desc="Renditions", disable=no_progress or total == 0, file=getattr(self.stderr, "_out", self.stderr))
        try:
            for item in photos.iterator(chunk_size=100):
                progress.update(1)
                if strip_originals and item.image:
                    try:
                        if strip_stored_original(item):
                            stripped += 1
                            built += 1
                            continue
                    except (BadImage, OSError, ValueError) as exc:
                        failures.append(f"photo {item.pk} ({item.image.name}): original not stripped: {exc}")
                        continue
                if missing_only and is_complete(item):
                    skipped += 1
                    continue
                if not item.image:
                    failures.append(f"photo {item.pk}: no image file")
                    continue
                try:
                    build_renditions(item)
                except (OSError, ValueError, SyntaxError) as exc:
                    failures.append(f"photo {item.pk} ({item.image.name}): {exc.__class__.__name__}: {exc}")
                else:
                    built += 1
        finally:
            progress.close()
        for line in failures:
            self.stderr.write(line)
        summary = f"{built} rebuilt, {skipped} already complete, {len(failures)} failed, of {total} photos"
        if strip_originals:
            summary += f"; {stripped} original(s) stripped of EXIF/XMP"
        self.stdout.write(summary)
        if failures:
            raise CommandError(f"{len(failures)} photo(s) could not be rendered")
