from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = _("Organizations and people")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .models import Organization
        from .selectors import forget_active_tree

        post_save.connect(forget_active_tree, sender=Organization, dispatch_uid="organizations-active-tree")
        post_delete.connect(forget_active_tree, sender=Organization, dispatch_uid="organizations-active-tree-delete")
