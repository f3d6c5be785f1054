"""The site's budget page (/bots/budget/, superusers): the whole flock's monthly budget on X,
what the flock spent this month by kind, and what it is forecast to spend in a month."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from bots import spend
from bots.forms import SiteBudgetForm
from bots.models import Bot, DailySpend, SiteBudget
from tweets import budget


@login_required
@require_http_methods(["GET", "POST"])
def site_budget(request):
    if not request.user.is_superuser:
        raise PermissionDenied("Only an administrator sets the site's budget.")
    current = SiteBudget.objects.first()
    form = SiteBudgetForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        spend.set_site_budget(amount=form.cleaned_data["monthly_budget_usd"], by=request.user)
        messages.success(request, "Site budget saved.")
        return redirect("bots:site_budget")
    now = timezone.now()
    by_kind = (
        spend.in_month(DailySpend.objects.all(), now)
        .values("call")
        .annotate(calls=Sum("calls"), cost=Sum("cost_usd"))
        .order_by("-cost", "call")
    )
    bots = list(Bot.objects.filter(is_active=True).select_related("schedule"))
    forecast = budget.forecast_for(bots, now, period=datetime.timedelta(days=budget.ESTIMATE_DAYS))
    context = {
        "form": form,
        "spent": spend.spent_this_month(None, now),
        "budget": current.monthly_budget_usd if current else None,
        "by_kind": [{**row, "label": spend.CALL_LABELS[row["call"]]} for row in by_kind],
        "forecast": sorted(forecast.items(), key=lambda item: -item[1]),
        "forecast_total": sum(forecast.values()),
    }
    status = 400 if form.errors else 200
    return render(request, "bots/site_budget.html", context, status=status)
