"""Create (or refresh) the local demo admin and print how to log in.

The password is generated once and kept in .local/ (git-ignored), so a second `make run`
prints the same login instead of inventing a new one.
"""
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create or refresh the local demo admin account and print its login."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="editor")
        parser.add_argument("--password-file", default=str(Path(settings.BASE_DIR) / ".local" / "admin-password"))

    def handle(self, *args, username, password_file, **options):
        path = Path(password_file)
        if path.exists():
            password = path.read_text().strip()
        else:
            password = secrets.token_urlsafe(12)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(password + "\n")
            path.chmod(0o600)
        user, created = get_user_model().objects.get_or_create(username=username, defaults={"email": f"{username}@newsroom.local"})
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(password)
        user.save()
        self.stdout.write(
            f"Admin: {settings.SITE_URL}/admin/  username: {username}  password: {password}"
            + ("  (new account)" if created else "")
        )
