"""`{% fixed %}`: the chrome is rendered once per language and per value it varies by, never shared across them."""

import pytest
from django.template import Context, Template
from django.utils import translation

from tests.permissions import OWN_ORG

pytestmark = pytest.mark.django_db


def test_the_public_menu_follows_the_visitor_and_the_language_after_being_kept(client, world):
    for _ in range(2):  # the second round is served from the kept fragments
        anonymous = client.get("/disclosures/", {"language": "en"}).content.decode()
        assert "Staff log-in" in anonymous and "Staff workspace" not in anonymous
        chinese = client.get("/disclosures/", {"language": "zh-hans"}).content.decode()
        assert "Staff log-in" not in chinese and "Double publicity" not in chinese
        client.force_login(world.user(OWN_ORG))
        signed_in = client.get("/disclosures/", {"language": "en"}).content.decode()
        assert "Staff workspace" in signed_in and "Staff log-in" not in signed_in
        client.logout()


def test_a_fixed_fragment_varies_by_the_values_it_names_only():
    template = Template('{% load core_tags %}{% fixed "probe" tab %}[{{ tab }}|{{ other }}]{% endfixed %}')
    with translation.override("en"):
        assert template.render(Context({"tab": "a", "other": 1})) == "[a|1]"
        assert template.render(Context({"tab": "b", "other": 2})) == "[b|2]"
        # Not named: kept as first rendered (the rule for what may go inside).
        assert template.render(Context({"tab": "a", "other": 3})) == "[a|1]"
    with translation.override("zh-hans"):
        assert template.render(Context({"tab": "a", "other": 4})) == "[a|4]"
