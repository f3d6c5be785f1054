"""Create the first admin login if there is none, and say how to log in.

The username and password come from ADMIN_USERNAME / ADMIN_PASSWORD when set; otherwise a
password is generated once and kept in var/initial-admin-password (mode 600) so that
`make run` can show it again until someone changes it.
"""

import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create an admin login when none exists, and print the login."

    def add_arguments(self, parser):
        parser.add_argument("--url", help="The site's address, printed with the login.")

    def handle(self, *args, **options):
        User = get_user_model()
        username = os.environ.get("ADMIN_USERNAME", "admin")
        password_file = settings.BASE_DIR / "var" / "initial-admin-password"
        user = User.objects.filter(username=username).first()
        if user is None:
            password = os.environ.get("ADMIN_PASSWORD") or secrets.token_urlsafe(12)
            user = User.objects.create_superuser(username=username, email="", password=password)
            if "ADMIN_PASSWORD" not in os.environ:
                password_file.parent.mkdir(parents=True, exist_ok=True)
                password_file.write_text(password)
                password_file.chmod(0o600)
        login = f"{username} / {self._shown_password(user, password_file)}"
        if options["url"]:
            self.stdout.write(f"\n  Aviary: {options['url']}   (admin: {options['url']}admin/)")
            self.stdout.write(f"  Login:  {login}\n")
        else:
            self.stdout.write(f"Login: {login}")

    def _shown_password(self, user, password_file):
        if "ADMIN_PASSWORD" in os.environ:
            return "(the ADMIN_PASSWORD you set)"
        if password_file.exists():
            password = password_file.read_text().strip()
            if user.check_password(password):
                return password
        return "(the password you set; reset it with: python manage.py changepassword)"
