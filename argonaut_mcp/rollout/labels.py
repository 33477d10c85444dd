"""Kubernetes label selectors, matched locally against an app's labels.

Supported syntax (as in `kubectl get -l`): requirements joined by commas, each one of
`key=value`, `key==value`, `key!=value`, `key in (a,b)`, `key notin (a,b)`, `key`
(label present), `!key` (label absent), `key>N` and `key<N` (integer comparison).
A `!=` or `notin` requirement also matches an app that lacks the label, as in Kubernetes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

KEY = r"[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?"
VALUE = r"([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?"

SET_REQUIREMENT = re.compile(rf"^(?P<key>{KEY})\s+(?P<op>in|notin)\s*\((?P<values>[^()]*)\)$")
COMPARISON = re.compile(rf"^(?P<key>{KEY})\s*(?P<op>==|!=|=|>|<)\s*(?P<value>\S*)$")
EXISTS = re.compile(rf"^(?P<negated>!?)\s*(?P<key>{KEY})$")


class InvalidSelectorError(ValueError):
    """Raised for a label selector that Kubernetes would reject."""


@dataclass(frozen=True)
class Requirement:
    key: str
    operator: str
    values: tuple[str, ...] = ()

    def matches(self, labels: Mapping[str, str]) -> bool:
        return OPERATORS[self.operator](labels.get(self.key), self.values)


def integer_or_none(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def greater_than(label: str | None, values: tuple[str, ...]) -> bool:
    number = integer_or_none(label)
    return number is not None and number > int(values[0])


def less_than(label: str | None, values: tuple[str, ...]) -> bool:
    number = integer_or_none(label)
    return number is not None and number < int(values[0])


OPERATORS: dict[str, Callable[[str | None, tuple[str, ...]], bool]] = {
    "=": lambda label, values: label == values[0],
    "!=": lambda label, values: label != values[0],
    "in": lambda label, values: label in values,
    "notin": lambda label, values: label not in values,
    "exists": lambda label, values: label is not None,
    "!": lambda label, values: label is None,
    ">": greater_than,
    "<": less_than,
}


@dataclass(frozen=True)
class LabelSelector:
    requirements: tuple[Requirement, ...]

    def matches(self, labels: Mapping[str, str]) -> bool:
        return all(requirement.matches(labels) for requirement in self.requirements)


def parse_selector(text: str) -> LabelSelector:
    """Parse a label selector. An empty text selects everything."""
    parts = [part.strip() for part in split_requirements(text)]
    if parts == [""]:
        return LabelSelector(())
    return LabelSelector(tuple(parse_requirement(part) for part in parts))


def split_requirements(text: str) -> list[str]:
    """Split on the commas that are outside parentheses."""
    parts: list[str] = []
    depth = 0
    current = ""
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    if depth != 0:
        raise InvalidSelectorError("unbalanced parentheses")
    parts.append(current)
    return parts


def parse_requirement(text: str) -> Requirement:
    if not text:
        raise InvalidSelectorError("empty requirement")

    match = SET_REQUIREMENT.match(text)
    if match:
        values = tuple(value.strip() for value in match["values"].split(","))
        for value in values:
            check_value(value, text)
        return Requirement(match["key"], match["op"], values)

    match = COMPARISON.match(text)
    if match:
        return parse_comparison(match["key"], match["op"], match["value"], text)

    match = EXISTS.match(text)
    if match:
        return Requirement(match["key"], "!" if match["negated"] else "exists")

    raise InvalidSelectorError(f"cannot parse {text!r}")


def parse_comparison(key: str, operator: str, value: str, text: str) -> Requirement:
    if operator in (">", "<"):
        if integer_or_none(value) is None:
            raise InvalidSelectorError(f"{text!r} needs an integer after {operator}")
        return Requirement(key, operator, (value,))

    check_value(value, text)
    return Requirement(key, "!=" if operator == "!=" else "=", (value,))


def check_value(value: str, text: str) -> None:
    if len(value) > 63 or not re.fullmatch(VALUE, value):
        raise InvalidSelectorError(f"invalid label value {value!r} in {text!r}")
