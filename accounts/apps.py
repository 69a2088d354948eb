from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Registration, membership approval, login, „Meine Daten“ (export, deletion) and the privacy notice.

    Sits above the register, the cases and matching, because a person's data export and deletion reach
    into all of them."""

    name = "accounts"
    verbose_name = "Konten"
