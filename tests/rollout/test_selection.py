"""Choosing a run's apps: glob, explicit list, filters, deletions, no match."""

import pytest

from argonaut_mcp.rollout.params import parse_params
from argonaut_mcp.rollout.selection import SelectionError, select_applications
from tests.rollout.factories import make_app

FLEET = [
    make_app("web-03", labels={"team": "web"}),
    make_app("Web-01", labels={"team": "web"}),
    make_app("web-02", project="payments", labels={"team": "pay"}),
    make_app("web-10", labels={"team": "web"}, deleting=True),
    make_app("api-1", labels={"team": "api"}),
    make_app("api-2", namespace="team-a", labels={"team": "api"}),
    make_app("web-x"),
]


def names(selection):
    return [app.qualified_name() for app in selection.apps]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("web-*", ["Web-01", "web-02", "web-03", "web-x"]),
        ("WEB-0?", ["Web-01", "web-02", "web-03"]),
        ("web-0[13]", ["Web-01", "web-03"]),
        ("api-*", ["api-1", "team-a/api-2"]),
        ("team-a/*", ["team-a/api-2"]),
        ("*", ["Web-01", "api-1", "team-a/api-2", "web-02", "web-03", "web-x"]),
    ],
)
def test_pattern_matches_case_insensitively_sorted(pattern, expected):
    selection = select_applications(FLEET, parse_params(pattern=pattern))

    assert names(selection) == expected


def test_being_deleted_is_left_out_and_reported():
    selection = select_applications(FLEET, parse_params(pattern="web-1*"))

    assert names(selection) == []
    assert selection.being_deleted == ["web-10"]


def test_pattern_with_project_filter():
    selection = select_applications(FLEET, parse_params(pattern="web-*", project="payments"))

    assert names(selection) == ["web-02"]


def test_pattern_with_label_selector():
    selection = select_applications(FLEET, parse_params(pattern="*", selector="team in (api, pay)"))

    assert names(selection) == ["api-1", "team-a/api-2", "web-02"]


def test_pattern_without_match_lists_closest_names():
    with pytest.raises(SelectionError) as caught:
        select_applications(FLEET, parse_params(pattern="wbe-0*"))

    assert "wbe-0*" in caught.value.message
    assert caught.value.closest_names
    assert set(caught.value.closest_names) <= {"Web-01", "web-02", "web-03", "web-10", "web-x"}
    assert caught.value.closest_names[0] in caught.value.message


def test_pattern_filtered_to_nothing_says_which_filter():
    with pytest.raises(SelectionError) as caught:
        select_applications(FLEET, parse_params(pattern="api-*", project="payments"))

    assert "project=payments" in caught.value.message
    assert "api-1" in caught.value.message


def test_explicit_list_keeps_the_given_order():
    selection = select_applications(FLEET, parse_params(apps=["web-03", "api-1", "Web-01", "api-2"]))

    assert names(selection) == ["web-03", "api-1", "Web-01", "team-a/api-2"]


def test_explicit_list_accepts_qualified_names():
    selection = select_applications(FLEET, parse_params(apps=["team-a/api-2"]))

    assert names(selection) == ["team-a/api-2"]


def test_unknown_names_are_all_listed():
    with pytest.raises(SelectionError) as caught:
        select_applications(FLEET, parse_params(apps=["web-03", "web-04", "nope"]))

    assert caught.value.message.startswith("unknown application(s): web-04, nope ")
    assert "nothing was synced" in caught.value.message
    assert "web-03" in caught.value.closest_names


def test_ambiguous_short_name_asks_for_namespace():
    fleet = [make_app("svc", namespace="a"), make_app("svc", namespace="b")]

    with pytest.raises(SelectionError) as caught:
        select_applications(fleet, parse_params(apps=["svc"]))

    assert "namespace/name" in caught.value.message


def test_listed_app_outside_project_fails():
    with pytest.raises(SelectionError) as caught:
        select_applications(FLEET, parse_params(apps=["web-03", "web-02"], project="default"))

    assert "web-02" in caught.value.message
    assert "project=default" in caught.value.message


def test_listed_app_being_deleted_is_reported():
    selection = select_applications(FLEET, parse_params(apps=["web-10", "web-03"]))

    assert names(selection) == ["web-03"]
    assert selection.being_deleted == ["web-10"]
