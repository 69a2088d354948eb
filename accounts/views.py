from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.registration import RegistrationForm, member_register
from core.ratelimit import ratelimit


@ratelimit("register")
def register(request: HttpRequest) -> HttpResponse:
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        member = member_register(form.cleaned_data)
        return render(request, "registration/register_done.html", {"member": member})
    return render(request, "registration/register.html", {"form": form})
