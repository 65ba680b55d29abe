from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "fupin.accounts"
    label = "accounts"
    verbose_name = _("账户与权限")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from fupin.accounts.donors import remember_donor
        from fupin.accounts.services.roles import roles_sync_on_migrate

        user_logged_in.connect(remember_donor, dispatch_uid="fupin.accounts.remember_donor")

        # Roles are bundles of Django permissions, which exist only after migrate has run.
        post_migrate.connect(roles_sync_on_migrate, dispatch_uid="fupin.accounts.roles_sync")
