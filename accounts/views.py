"""The account pages of this app: self-registration, login by e-mail address, the account's state,
and „Meine Daten“ (export, deleting the account).

Logout and password reset are Django's own views, wired in accounts/urls.py."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.forms import AccountDeleteForm, LoginForm, RegistrationForm
from accounts.pending import pending_notice
from accounts.privacy import PrivacyRefused, account_delete, personal_data_export
from accounts.selectors import membership_pending_get
from accounts.services import member_register
from accounts.towns import town_label
from core.ratelimit import ratelimit

# never_cache: a re-rendered form carries the typed password (accounts/forms.py).


@never_cache
@ratelimit("register")
def register(request: HttpRequest) -> HttpResponse:
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        member = member_register(form.cleaned_data)
        context = {"member": member, "town": town_label(member.municipality)}
        return render(request, "registration/register_done.html", context)
    return _register_page(request, form)


@never_cache
@require_POST
def register_town(request: HttpRequest) -> HttpResponse:
    """The „Kommune suchen“ button of the registration form: the same form again, with the towns that
    match the typed name to pick from and everything else as typed. Nothing is created, so this step
    does not count against the registration limit."""
    form = RegistrationForm(request.POST)
    form.town_step()
    return _register_page(request, form)


def _register_page(request: HttpRequest, form: RegistrationForm) -> HttpResponse:
    return render(request, "registration/register.html", {"form": form})


class LoginView(auth_views.LoginView):
    """Django's login with the e-mail address as the name; an account still waiting for the editors
    lands on its state page (or, with a ``next`` page, is told there)."""

    authentication_form = LoginForm
    pending = None

    def form_valid(self, form) -> HttpResponse:
        self.pending = membership_pending_get(form.get_user())
        response = super().form_valid(form)
        if self.pending is not None and response.url != reverse("account-status"):
            messages.info(self.request, pending_notice(self.pending))
        return response

    def get_default_redirect_url(self) -> str:
        if self.pending is not None:
            return reverse("account-status")
        return super().get_default_redirect_url()


@never_cache
@login_required
def account_status(request: HttpRequest) -> HttpResponse:
    """„Ihr Konto“: for which town the person acts and whether the editors have approved it yet."""
    member = getattr(request.user, "membership", None)
    context = {
        "member": member,
        "town": town_label(member.municipality) if member else "",
        "hide_pending_banner": True,  # this page says it in full
    }
    return render(request, "registration/account_status.html", context)


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
