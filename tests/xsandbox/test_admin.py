"""The sandbox admin holds every account, whoever's bot speaks as it: superusers only, whatever
permissions a staff member is given."""

from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.factories import make_sandbox_post, make_user
from xsandbox.accounts import app_credentials, ensure_account, ensure_app
from xsandbox.models import Grant


def admin_urls(post):
    return [
        reverse("admin:xsandbox_account_changelist"),
        reverse("admin:xsandbox_account_change", args=[post.account.pk]),
        reverse("admin:xsandbox_post_changelist"),
        reverse("admin:xsandbox_post_change", args=[post.pk]),
        reverse("admin:xsandbox_media_changelist"),
        reverse("admin:xsandbox_account_add"),
    ]


def test_staff_with_every_sandbox_permission_are_refused(client, db):
    post = make_sandbox_post(account=ensure_account("staff_bird")[0], text="Hidden")
    staff = make_user(is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="xsandbox"))
    client.force_login(staff)

    assert [client.get(url).status_code for url in admin_urls(post)] == [403] * 6
    assert "X API sandbox" not in client.get(reverse("admin:index")).content.decode()


def test_superusers_use_the_sandbox_admin(client, db):
    post = make_sandbox_post(
        account=ensure_account("super_bird")[0], text="Seen", image_alt_text=""
    )
    client.force_login(make_user(superuser=True))

    assert [client.get(url).status_code for url in admin_urls(post)] == [200] * 6
    assert "X API sandbox" in client.get(reverse("admin:index")).content.decode()


def test_the_app_admin_shows_connected_accounts_but_never_a_key_or_token(
    client, db, credential_keys
):
    app = ensure_app("Admin app", callback_urls=["http://a.example/cb/"])[0]
    grant = Grant.objects.create(app=app, account=ensure_account("granted_bird")[0])
    client.force_login(make_user(superuser=True))

    pages = [
        client.get(reverse("admin:xsandbox_app_changelist")),
        client.get(reverse("admin:xsandbox_app_change", args=[app.pk])),
    ]

    assert [page.status_code for page in pages] == [200, 200]
    html = " ".join(page.content.decode() for page in pages)
    assert "Admin app" in html and "@granted_bird" in html
    secrets = [*app_credentials(app).values(), grant.access_token, grant.access_token_secret]
    assert [secret for secret in secrets if secret in html] == []
