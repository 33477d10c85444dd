"""Matching Kubernetes label selectors locally."""

import pytest

from argonaut_mcp.rollout.labels import InvalidSelectorError, parse_selector

LABELS = {"team": "web", "tier": "frontend", "shard": "3"}


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ("team=web", True),
        ("team==web", True),
        ("team=api", False),
        ("team!=api", True),
        ("owner!=bob", True),
        ("team in (web, api)", True),
        ("team notin (web,api)", False),
        ("owner notin (bob)", True),
        ("team", True),
        ("owner", False),
        ("!owner", True),
        ("!team", False),
        ("shard>2", True),
        ("shard<3", False),
        ("team=web,tier=frontend", True),
        ("team=web, tier=backend", False),
        ("team in (web,api),!owner,shard>1", True),
        ("", True),
    ],
)
def test_selector_matches_like_kubernetes(selector, expected):
    assert parse_selector(selector).matches(LABELS) is expected


@pytest.mark.parametrize("selector", ["team in (web", "team=we b", "=web", "team=web,", "shard>x", "team in web"])
def test_malformed_selector_is_rejected(selector):
    with pytest.raises(InvalidSelectorError):
        parse_selector(selector)
