"""The account pages of this app: self-registration and „Meine Daten“ (export, deleting the account).

Login, logout and password reset are Django's own views, wired in accounts/urls.py."""

from __future__ import annotations

import json

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from accounts.forms import AccountDeleteForm, RegistrationForm
from accounts.privacy import PrivacyRefused, account_delete, personal_data_export
from accounts.services import member_register
from core.ratelimit import ratelimit


@ratelimit("register")
def register(request: HttpRequest) -> HttpResponse:
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        member = member_register(form.cleaned_data)
        return render(request, "registration/register_done.html", {"member": member})
    return render(request, "registration/register.html", {"form": form})


@never_cache
@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    data = personal_data_export(request.user)
    return render(request, "account/my_data.html", {"data": data, "form": AccountDeleteForm(request.user)})


@never_cache
@login_required
@ratelimit("privacy_export", methods=("GET",))
def my_data_export(request: HttpRequest) -> HttpResponse:
    data = personal_data_export(request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    filename = f"baukasten-meine-daten-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@login_required
@ratelimit("account_delete")
def account_delete_view(request: HttpRequest) -> HttpResponse:
    form = AccountDeleteForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account_delete(request.user, withdraw_contact_consent=form.cleaned_data["withdraw_contact_consent"])
        except PrivacyRefused as exc:
            form.add_error(None, str(exc))
            return render(request, "account/delete.html", {"form": form}, status=403)
        logout(request)
        return redirect("privacy:deleted")
    return render(request, "account/delete.html", {"form": form}, status=400 if form.errors else 200)


def account_deleted(request: HttpRequest) -> HttpResponse:
    return render(request, "account/deleted.html")
