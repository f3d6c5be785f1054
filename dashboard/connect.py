"""The pages that add and connect bots: Add bot (/bots/new/), the sign-in at X and its way
back (callback or PIN), Mastodon's OAuth and Bluesky's app passwords, Reconnect on each
network, sharing a bot with co-owners, and the site's X apps."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bots import bluesky_accounts, connecting, mastodon_accounts, services
from bots.access import bot_for_user, sign_in_for_user
from bots.account_forms import BlueskyConnectForm, BlueskyReconnectForm, MastodonConnectForm
from bots.connecting import ConnectError
from bots.forms import (
    ConnectForm,
    CoOwnerForm,
    KeysForm,
    PinForm,
    XAppForm,
)
from bots.models import XApp
from pages.failed_forms import failed_form_redirect, restore_failed_form
from platforms import platforms_on

may_add_bots = permission_required("bots.add_bot", raise_exception=True)


def superuser_required(view):
    def check(request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied("Only an administrator keeps the site's X apps.")
        return view(request, *args, **kwargs)

    return login_required(check)


@login_required
@may_add_bots
@require_http_methods(["GET", "POST"])
def new_bot(request):
    apps = _x_apps()
    form = ConnectForm(request.POST or None, apps=apps)
    if request.method == "POST" and form.is_valid():
        try:
            sign_in = connecting.start_sign_in(
                user=request.user,
                app=form.cleaned_data["app"],
                callback_url=_callback_url(request),
                pin=form.cleaned_data["pin"],
            )
        except ConnectError as error:
            messages.error(request, error.message)
            return redirect("bots:new")
        return _to_sign_in(sign_in)
    if request.method == "POST":
        title, to = "Nothing was connected", reverse("bots:new")
        return failed_form_redirect(
            request, form, to=to, key="connect", title=title, anchor="connect"
        )
    context = {
        "form": restore_failed_form(request, ConnectForm, key="connect", apps=apps) or form,
        "apps": apps,
        "keys_form": restore_failed_form(request, KeysForm, key="keys") or KeysForm(),
        "mastodon_form": MastodonConnectForm(),
        "bluesky_form": restore_failed_form(request, BlueskyConnectForm, key="bluesky")
        or BlueskyConnectForm(),
        "sandbox_enabled": settings.XSANDBOX_ENABLED,
    }
    return render(request, "bots/bot_new.html", context)


@login_required
@may_add_bots
@require_POST
def new_bot_from_keys(request):
    form = KeysForm(request.POST)
    if form.is_valid():
        try:
            connected = connecting.connect_account(
                user=request.user,
                platform=form.cleaned_data["platform"],
                credentials=form.credential_values(),
            )
        except ConnectError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Connected @{connected.bot.handle}: verified.")
            return redirect(connected.bot)
    title, to = "The bot was not added", reverse("bots:new")
    return failed_form_redirect(request, form, to=to, key="keys", title=title, anchor="keys")


@login_required
@require_POST
def reconnect(request, pk):
    """Sign the bot's account in again on its network: X's sign-in through one of the site's
    apps, Mastodon's at the bot's own server, Bluesky's with a new app password (a page of
    its own)."""
    bot = bot_for_user(request.user, pk)
    if bot.network == "mastodon":
        return _reconnect_mastodon(request, bot)
    if bot.network == "bluesky":
        return redirect("bots:reconnect_bluesky", bot.pk)
    app = bot.app or XApp.objects.for_platform(bot.platform).first()
    if app is None:
        messages.error(
            request,
            "There is no X app to sign in through: an administrator adds "
            "one on the X apps page. Until then, enter the keys by hand below.",
        )
        return redirect(reverse("bots:detail", args=[bot.pk]) + "#credentials")
    try:
        sign_in = connecting.start_sign_in(
            user=request.user, app=app, callback_url=_callback_url(request), bot=bot
        )
    except ConnectError as error:
        messages.error(request, error.message)
        return redirect(bot)
    return _to_sign_in(sign_in)


@login_required
@require_GET
def connect_callback(request):
    """Where X sends the person back: `oauth_token` and `oauth_verifier`, or `denied`."""
    token = request.GET.get("oauth_token") or request.GET.get("denied") or ""
    try:
        sign_in = connecting.pending_sign_in(user=request.user, token=token)
    except ConnectError as error:
        messages.error(request, error.message)
        return redirect("bots:new")
    return _finish(request, sign_in, request.GET.get("oauth_verifier", ""), "denied" in request.GET)


@login_required
@require_http_methods(["GET", "POST"])
def connect_pin(request, pk):
    sign_in = sign_in_for_user(request.user, pk)
    if not sign_in.is_pending(timezone.now()):
        messages.error(request, connecting.STALE)
        return redirect(sign_in.bot or "bots:new")
    form = PinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _finish(request, sign_in, form.cleaned_data["pin"], False)
    status = 400 if form.errors else 200
    return render(
        request, "bots/signin_pin.html", {"sign_in": sign_in, "form": form}, status=status
    )


def _finish(request, sign_in, verifier: str, denied: bool):
    try:
        connected = connecting.finish_sign_in(sign_in, verifier=verifier, denied=denied)
    except ConnectError as error:
        messages.error(request, error.message)
        return redirect(sign_in.bot or "bots:new")
    bot = connected.bot
    done = "Connected" if connected.created else "Reconnected"
    messages.success(request, f"{done} @{bot.handle}: verified, {bot.name} can post.")
    return redirect(bot)


def _to_sign_in(sign_in):
    if sign_in.uses_pin:
        return redirect("bots:connect_pin", sign_in.pk)
    return redirect(sign_in.authorize_url)


def _callback_url(request) -> str:
    return request.build_absolute_uri(reverse("bots:connect_callback"))


@login_required
@require_POST
def share(request, pk):
    bot = bot_for_user(request.user, pk)
    form = CoOwnerForm(request.POST, bot=bot)
    if form.is_valid():
        user = form.cleaned_data["username"]
        services.share_bot(bot, user=user, by=request.user)
        messages.success(request, f"{user.get_username()} now runs {bot.name} with you.")
    else:
        messages.error(request, " ".join(form.errors["username"]))
    return redirect(reverse("bots:detail", args=[bot.pk]) + "#owners")


@login_required
@require_POST
def unshare(request, pk, user_pk):
    bot = bot_for_user(request.user, pk)
    user = get_object_or_404(get_user_model(), pk=user_pk, bots=bot)
    try:
        services.unshare_bot(bot, user=user, by=request.user)
    except ValueError as error:
        messages.error(request, f"{error} Share it with someone else first.")
        return redirect(reverse("bots:detail", args=[bot.pk]) + "#owners")
    messages.success(request, f"{user.get_username()} no longer runs {bot.name}.")
    if user == request.user and not request.user.is_superuser:
        return redirect("dashboard")
    return redirect(reverse("bots:detail", args=[bot.pk]) + "#owners")


@superuser_required
@require_http_methods(["GET", "POST"])
def app_list(request):
    return _app_form(request, None)


@superuser_required
@require_http_methods(["GET", "POST"])
def app_detail(request, pk):
    return _app_form(request, get_object_or_404(XApp, pk=pk))


def _app_form(request, app):
    form = XAppForm(request.POST or None, instance=app)
    if request.method == "POST" and form.is_valid():
        saved = connecting.save_app(
            form.save(commit=False),
            key=form.cleaned_data["consumer_key"],
            secret=form.cleaned_data["consumer_secret"],
            default=form.cleaned_data["default"],
            by=request.user,
        )
        messages.success(request, f"Saved the app “{saved.name}”.")
        return redirect("bots:apps")
    if request.method == "POST":
        to = app.get_absolute_url() if app else reverse("bots:apps")
        title = "The app was not saved"
        return failed_form_redirect(request, form, to=to, key="app", title=title, anchor="app-form")
    return _app_page(request, form, app)


def _app_page(request, form, app):
    context = {
        "form": restore_failed_form(request, XAppForm, key="app", instance=app) or form,
        "app": app,
        "apps": XApp.objects.annotate(bot_count=Count("bots")).order_by("platform", "name"),
        "callback_url": _callback_url(request),
    }
    return render(request, "bots/xapp_list.html", context)


def _x_apps():
    """The apps the X sign-in goes through (Mastodon's are registered per instance)."""
    return XApp.objects.filter(platform__in=platforms_on("x")).order_by(
        "-is_default", "platform", "name"
    )


# Mastodon ----------------------------------------------------------------------------------

MASTODON_SIGN_IN = "mastodon_sign_in"


@login_required
@may_add_bots
@require_POST
def connect_mastodon(request):
    """Register Aviary on the named instance (once), then send the person to sign in there:
    a page with the link, since a form may only post to this site and its sign-in hosts."""
    form = MastodonConnectForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the Mastodon server's address, such as mastodon.social.")
        return redirect("bots:new")
    try:
        instance = mastodon_accounts.instance_from(form.cleaned_data["server"])
        started = mastodon_accounts.start_sign_in(
            instance=instance, callback_url=_mastodon_callback_url(request)
        )
    except ConnectError as error:
        messages.error(request, error.message)
        return redirect("bots:new")
    request.session[MASTODON_SIGN_IN] = {"state": started.state, "app": started.app.pk}
    return render(request, "bots/connect_mastodon_go.html", {"started": started})


def _reconnect_mastodon(request, bot):
    """Send the person to sign in again at the bot's own server, through the app Aviary
    registered there (registering it again if it went)."""
    instance = mastodon_accounts.Instance(bot.platform, bot.server_url)
    try:
        started = mastodon_accounts.start_sign_in(
            instance=instance, callback_url=_mastodon_callback_url(request)
        )
    except ConnectError as error:
        messages.error(request, error.message)
        return redirect(bot)
    request.session[MASTODON_SIGN_IN] = {
        "state": started.state,
        "app": started.app.pk,
        "bot": bot.pk,
    }
    return render(request, "bots/connect_mastodon_go.html", {"started": started, "bot": bot})


@login_required
@require_GET
def mastodon_callback(request):
    """Where the instance sends the person back: `code` and `state`, or `error`; a
    reconnect's sign-in must come back as its bot's account."""
    pending = request.session.pop(MASTODON_SIGN_IN, None) or {}
    bot = bot_for_user(request.user, pending["bot"]) if pending.get("bot") else None
    back = bot or "bots:new"
    state = request.GET.get("state", "")
    if not state or state != pending.get("state"):
        messages.error(request, connecting.STALE)
        return redirect(back)
    if request.GET.get("error") or not request.GET.get("code"):
        again = "nothing was changed" if bot else "nothing was connected"
        messages.error(request, f"You cancelled at Mastodon, so {again}.")
        return redirect(back)
    app = get_object_or_404(XApp, pk=pending.get("app"))
    try:
        connected = mastodon_accounts.finish_sign_in(
            user=request.user,
            app=app,
            code=request.GET["code"],
            callback_url=_mastodon_callback_url(request),
            bot=bot,
        )
    except ConnectError as error:
        messages.error(request, error.message)
        return redirect(back)
    bot = connected.bot
    done = "Connected" if connected.created else "Reconnected"
    messages.success(request, f"{done} @{bot.handle}: verified, {bot.name} can post.")
    return redirect(bot)


def _mastodon_callback_url(request) -> str:
    return request.build_absolute_uri(reverse("bots:mastodon_callback"))


# Bluesky ------------------------------------------------------------------------------------


@login_required
@may_add_bots
@require_POST
def connect_bluesky(request):
    """A Bluesky account from its handle and an app password (bots.bluesky_accounts)."""
    form = BlueskyConnectForm(request.POST)
    if form.is_valid():
        try:
            connected = bluesky_accounts.connect_bluesky_account(
                user=request.user, **form.cleaned_data
            )
        except ConnectError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Connected @{connected.bot.handle} on Bluesky: verified.")
            return redirect(connected.bot)
    title, to = "Nothing was connected", reverse("bots:new")
    return failed_form_redirect(request, form, to=to, key="bluesky", title=title, anchor="bluesky")


@login_required
@require_http_methods(["GET", "POST"])
def reconnect_bluesky(request, pk):
    """A Bluesky bot signs in again with a new app password: its handle stays, and the
    session must be the bot's own account (bots.bluesky_accounts)."""
    bot = bot_for_user(request.user, pk)
    if bot.network != "bluesky":
        return redirect(bot)
    if request.method == "GET":
        form = restore_failed_form(request, BlueskyReconnectForm, key="reconnect")
        context = {"bot": bot, "form": form or BlueskyReconnectForm()}
        return render(request, "bots/bot_reconnect.html", context)
    form = BlueskyReconnectForm(request.POST)
    if form.is_valid():
        try:
            bluesky_accounts.reconnect_bluesky_account(
                bot, user=request.user, app_password=form.cleaned_data["app_password"]
            )
        except ConnectError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Reconnected @{bot.handle}: verified, {bot.name} can post.")
            return redirect(bot)
    to, title = reverse("bots:reconnect_bluesky", args=[bot.pk]), "Nothing was changed"
    return failed_form_redirect(
        request, form, to=to, key="reconnect", title=title, anchor="reconnect"
    )
