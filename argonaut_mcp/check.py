"""`argonaut-mcp check`: test each configured Argo CD instance and name what to fix.

For each instance the check reads the version (reachability, TLS, path prefix), the user
(token) and the application list (permissions). It prints the instance and its URL, then
one line with the version, user, application count and the latency of the version call.
Each failure kind gets its own message naming the fix.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TextIO

import anyio
import httpx

from argonaut_mcp.argocd import (
    NO_RETRY,
    ArgoCDConnectionError,
    ArgoCDError,
    ArgoCDTimeoutError,
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    UnexpectedResponseError,
    open_client,
)
from argonaut_mcp.config import ConfigError, InstanceConfig, Settings, load_settings

CONFIG_ERROR_EXIT = 2
FAILURE_EXIT = 1


@dataclass
class CheckReport:
    """The outcome of checking one instance. `failure` is None when every step passed."""

    instance: str
    url: str
    version: str | None = None
    username: str | None = None
    app_count: int | None = None
    latency_ms: float | None = None
    failure: str | None = None
    message: str | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None


async def check_instance(instance: InstanceConfig, *, transport: httpx.AsyncBaseTransport | None = None) -> CheckReport:
    """Check one instance without retries, reporting an `ArgoCDError` or `ConfigError` as a failure."""
    report = CheckReport(instance=instance.name, url=instance.url)
    try:
        async with open_client(instance, retry=NO_RETRY, transport=transport) as client:
            started = time.perf_counter()
            version = await client.get_version()
            report.latency_ms = (time.perf_counter() - started) * 1000
            report.version = version.version

            if instance.token is None:
                report.failure, report.message = "no_token", NO_TOKEN_MESSAGE
                return report
            user = await client.get_user_info()
            if not user.logged_in:
                report.failure, report.message = "auth", TOKEN_IGNORED_MESSAGE
                return report
            report.username = user.username

            apps = await client.list_applications(summary=True)
            report.app_count = len(apps.items)
    except ArgoCDError as exc:
        report.failure, report.message = describe_failure(exc, instance)
    except ConfigError as exc:
        report.failure, report.message = "config", str(exc)
    return report


NO_TOKEN_MESSAGE = (
    "No token is configured: create one with `argocd account generate-token` and set it as "
    "ARGOCD_AUTH_TOKEN or the instance's token"
)
TOKEN_IGNORED_MESSAGE = (
    "Argo CD did not accept the token (userinfo reports the user as not logged in): the token is "
    "malformed, expired or for another server. Create a new one with `argocd account generate-token`"
)


def describe_failure(exc: ArgoCDError, instance: InstanceConfig) -> tuple[str, str]:
    """Return the failure kind and a message naming what to fix."""
    url = httpx.URL(instance.url)
    address = f"{url.host}:{url.port or (443 if url.scheme == 'https' else 80)}"
    if isinstance(exc, ArgoCDConnectionError):
        return exc.reason, connection_message(exc, url, address)
    if isinstance(exc, ArgoCDTimeoutError):
        return "timeout", (
            f"No answer from {address} within {instance.timeout_seconds:g} s: check that the URL points "
            "at the Argo CD API server and that no firewall drops the traffic"
        )
    if isinstance(exc, AuthenticationError):
        return "auth", (
            f"Argo CD rejected the token (401: {exc.message}): create a new one with "
            "`argocd account generate-token` (or log in again) and set it as ARGOCD_AUTH_TOKEN or the instance's token"
        )
    if isinstance(exc, PermissionDeniedError):
        return "forbidden", (
            f"Access denied (403: {exc.message}): give the token's account read access to applications "
            "in the Argo CD RBAC policy, or check the proxy in front of Argo CD"
        )
    if isinstance(exc, UnexpectedResponseError) and exc.status is not None and 300 <= exc.status < 400:
        return "redirect", f"{exc.message}: use that scheme and path in the instance URL (Argo CD redirects plain HTTP to https when TLS is on)"
    if isinstance(exc, UnexpectedResponseError) and "HTML" in exc.message:
        return "wrong_prefix", (
            f"{instance.url}/api/version returned an HTML page, not the Argo CD API: the URL probably lacks "
            "or has a wrong path prefix (Argo CD served with --rootpath /argocd needs https://HOST/argocd)"
        )
    if isinstance(exc, NotFoundError):
        return "wrong_prefix", (
            f"{instance.url}/api/version was not found (404): the URL probably has a path prefix the server "
            "does not use, or lacks the one it does (Argo CD served with --rootpath /argocd needs https://HOST/argocd)"
        )
    return "error", str(exc)


def connection_message(exc: ArgoCDConnectionError, url: httpx.URL, address: str) -> str:
    if exc.reason == "dns":
        return f"Cannot resolve the host name {url.host!r}: check the host in the instance URL, and your DNS or VPN"
    if exc.reason == "refused":
        return (
            f"Connection refused by {address}: check the port in the instance URL and that Argo CD "
            "(or its kubectl port-forward) is running"
        )
    if exc.reason == "tls":
        plain = str(url.copy_with(scheme="http"))
        return (
            f"TLS handshake with {address} failed: the server does not speak TLS there. If it serves "
            f"plain HTTP (argocd-server --insecure), use {plain}"
        )
    if exc.reason == "tls_verify":
        return (
            f"The TLS certificate of {url.host} is not trusted: set ca_bundle (ARGONAUT_CA_BUNDLE) to the CA "
            "that signed it, or insecure = true (ARGONAUT_INSECURE=1) to skip verification"
        )
    return f"Cannot connect to {address}: {exc.message}"


def format_report(report: CheckReport, *, is_default: bool = False) -> str:
    """Render one instance's result as two lines: the instance and its outcome."""
    title = f"{report.instance}{' (default)' if is_default else ''}: {report.url}"
    if report.ok:
        latency = f"{report.latency_ms:.0f} ms" if report.latency_ms is not None else "unknown"
        summary = (
            f"  OK      Argo CD {report.version or 'unknown version'}, user {report.username or 'unknown'}, "
            f"{report.app_count} applications, latency {latency}"
        )
        return f"{title}\n{summary}"
    reached = f" (reached Argo CD {report.version})" if report.version else ""
    return f"{title}\n  FAILED  [{report.failure}] {report.message}{reached}"


async def run_checks(
    settings: Settings,
    instance_name: str | None = None,
    *,
    out: TextIO,
    transport: httpx.AsyncBaseTransport | None = None,
) -> int:
    """Check the named instance or every configured one, print the results and return the exit code."""
    if instance_name:
        names = [settings.instance(instance_name).name]
    elif settings.instances:
        names = sorted(settings.instances)
    else:
        settings.instance()  # raises the ConfigError explaining how to configure an instance
        names = []

    failed = False
    for name in names:
        report = await check_instance(settings.instances[name], transport=transport)
        print(format_report(report, is_default=name == settings.default_instance), file=out)
        failed = failed or not report.ok
    return FAILURE_EXIT if failed else 0


def run_check_command(
    config_path: str | None,
    instance_name: str | None,
    *,
    env: Mapping[str, str] | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Load the settings and run the checks. A configuration error gives exit code 2."""
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        settings = load_settings(config_path, env)
        return anyio.run(lambda: run_checks(settings, instance_name, out=out))
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=err)
        return CONFIG_ERROR_EXIT
