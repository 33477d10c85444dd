"""Parsing and validating batch_sync parameters."""

import pytest

from argonaut_mcp.rollout.params import InvalidParametersError, parse_params


def test_defaults_match_the_documented_ones():
    params = parse_params(pattern="web-*")

    assert params.batch_size == 3
    assert params.max_retries == 2
    assert params.max_attempts == 3
    assert params.health_timeout_seconds == 300
    assert params.poll_interval_seconds == 10
    assert params.prune is False
    assert params.only_out_of_sync is False
    assert params.dry_run is False


@pytest.mark.parametrize(
    ("raw", "field", "expected"),
    [
        ({"batch_size": "5"}, "batch_size", 5),
        ({"batch_size": " 7 "}, "batch_size", 7),
        ({"batch_size": 4.0}, "batch_size", 4),
        ({"max_retries": "0"}, "max_retries", 0),
        ({"health_timeout_seconds": "86400"}, "health_timeout_seconds", 86400),
        ({"poll_interval_seconds": "2.5"}, "poll_interval_seconds", 2.5),
        ({"prune": "true"}, "prune", True),
        ({"dry_run": "False"}, "dry_run", False),
        ({"sync_options": "CreateNamespace=true, Validate=false"}, "sync_options", ["CreateNamespace=true", "Validate=false"]),
        ({"revision": "  v1.2.3 "}, "revision", "v1.2.3"),
    ],
)
def test_loose_input_is_converted(raw, field, expected):
    params = parse_params(pattern="web-*", **raw)

    assert getattr(params, field) == expected


def test_apps_keep_their_order():
    params = parse_params(apps=["b", "a", "c"])

    assert params.apps == ["b", "a", "c"]
    assert params.pattern is None


def test_apps_may_be_one_comma_separated_string():
    params = parse_params(apps="b, a")

    assert params.apps == ["b", "a"]


@pytest.mark.parametrize(
    ("raw", "expected_words"),
    [
        ({"pattern": "a", "batch_size": 0}, ["batch_size", "0", "1 to 500"]),
        ({"pattern": "a", "batch_size": 501}, ["batch_size", "501", "1 to 500"]),
        ({"pattern": "a", "batch_size": "three"}, ["batch_size", "'three'", "1 to 500"]),
        ({"pattern": "a", "batch_size": 2.5}, ["batch_size", "2.5", "integer"]),
        ({"pattern": "a", "batch_size": True}, ["batch_size", "True"]),
        ({"pattern": "a", "max_retries": -1}, ["max_retries", "-1", "0 to 10"]),
        ({"pattern": "a", "max_retries": "11"}, ["max_retries", "'11'", "0 to 10"]),
        ({"pattern": "a", "health_timeout_seconds": 9}, ["health_timeout_seconds", "9", "10 to 86400"]),
        ({"pattern": "a", "health_timeout_seconds": 86401}, ["health_timeout_seconds", "86401", "10 to 86400"]),
        ({"pattern": "a", "poll_interval_seconds": 0}, ["poll_interval_seconds", "0"]),
        ({"pattern": "a", "prune": "yes"}, ["prune", "'yes'"]),
        ({"pattern": ""}, ["pattern", "empty"]),
        ({"pattern": "   "}, ["pattern", "empty"]),
        ({"apps": []}, ["apps", "empty"]),
        ({"apps": ["a", ""]}, ["apps", "''"]),
        ({"apps": ["a", "b", "a"]}, ["apps", "a", "more than once"]),
        ({"pattern": "a", "apps": ["a"]}, ["pattern", "apps", "not both"]),
        ({}, ["pattern", "apps"]),
        ({"pattern": "a", "selector": "team in (a"}, ["selector", "team in (a"]),
        ({"pattern": "a", "batchsize": 3}, ["unknown parameter", "batchsize"]),
        ({"pattern": 7}, ["pattern", "7"]),
    ],
)
def test_bad_input_names_the_value(raw, expected_words):
    with pytest.raises(InvalidParametersError) as caught:
        parse_params(**raw)

    for word in expected_words:
        assert word in caught.value.message


def test_none_means_default():
    params = parse_params(pattern="a", batch_size=None, apps=None)

    assert params.batch_size == 3
    assert params.apps is None
