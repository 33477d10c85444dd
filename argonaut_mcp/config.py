"""Settings: the named Argo CD instances, read-only mode, allow-lists and HTTP serve options.

Sources, in increasing precedence (a later source overrides single fields of an earlier one):

1. the argocd CLI contexts file (YAML): `$ARGOCD_CONFIG_DIR/config`, else
   `~/.config/argocd/config`. Every context becomes an instance of the same name, and
   `current-context` becomes the default instance;
2. our TOML file: `--config`, else `$ARGONAUT_CONFIG`;
3. the environment. `ARGOCD_SERVER`, `ARGOCD_AUTH_TOKEN` and `ARGOCD_OPTS` (read as the
   argocd CLI reads them) and `ARGONAUT_CA_BUNDLE`, `ARGONAUT_INSECURE`,
   `ARGONAUT_TIMEOUT_SECONDS` apply to the default instance, which `ARGONAUT_INSTANCE`
   may name. `ARGONAUT_READ_ONLY`, `ARGONAUT_HTTP_TOKEN`, `ARGONAUT_ALLOWED_HOSTS`,
   `ARGONAUT_ALLOWED_APPS` and `ARGONAUT_ALLOWED_PROJECTS` (comma-separated lists) set the
   server-wide options.

A token never follows a URL it was not given with: when a later source changes an
instance's URL without giving a token, the instance has no token.

Example TOML file::

    default_instance = "prod"
    read_only = false
    allowed_apps = ["mentor-web-*"]     # glob patterns batch_sync may touch; empty = all

    [http]
    host = "127.0.0.1"
    port = 8000
    auth_token_env = "MCP_HTTP_TOKEN"   # or auth_token = "..."
    allowed_hosts = ["mcp.internal:8000"]

    [instances.prod]
    url = "https://argocd.example.com/argocd"   # any path prefix is kept
    token_env = "PROD_ARGOCD_TOKEN"             # or token = "...", or token_file = "path"
    ca_bundle = "ca.pem"                        # relative to this file
    insecure = false
    timeout_seconds = 30
"""

from __future__ import annotations

import argparse
import logging
import os
import shlex
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx
import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator

logger = logging.getLogger("argonaut_mcp.config")

DEFAULT_INSTANCE_NAME = "default"
INSTANCE_KEYS = {"url", "token", "token_env", "token_file", "ca_bundle", "insecure", "verify_tls", "timeout_seconds"}
TOP_LEVEL_KEYS = {"default_instance", "read_only", "allowed_apps", "allowed_projects", "http", "instances"}
HTTP_KEYS = {"host", "port", "auth_token", "auth_token_env", "auth_token_file", "allowed_hosts"}
TRUE_TEXTS = {"1", "true", "yes", "on"}
FALSE_TEXTS = {"0", "false", "no", "off", ""}


class ConfigError(ValueError):
    """Invalid or incomplete configuration. The message names the source and the fix."""


class InstanceConfig(BaseModel):
    """One Argo CD instance: where it is and how to authenticate and verify it.

    `url` is the server URL with any path prefix, without a trailing slash. `verify_tls`
    is always `not insecure`, so setting either one sets the other.
    """

    model_config = ConfigDict(frozen=True)

    name: str
    url: str
    token: SecretStr | None = None
    verify_tls: bool = True
    ca_bundle: str | None = None
    insecure: bool = False
    timeout_seconds: float = Field(default=30.0, gt=0)
    source: str = ""

    @model_validator(mode="before")
    @classmethod
    def align_tls_flags(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        insecure = bool(data.get("insecure", False)) or data.get("verify_tls") is False
        data["insecure"] = insecure
        data["verify_tls"] = not insecure
        data["url"] = normalize_server_url(str(data.get("url", "")))
        return data


class Settings(BaseModel):
    """Everything the server and the CLI read from configuration."""

    instances: dict[str, InstanceConfig] = Field(default_factory=dict)
    default_instance: str = DEFAULT_INSTANCE_NAME
    read_only: bool = False
    allowed_apps: list[str] = Field(default_factory=list)
    allowed_projects: list[str] = Field(default_factory=list)
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    http_auth_token: SecretStr | None = None
    allowed_hosts: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)

    def instance(self, name: str | None = None) -> InstanceConfig:
        """Return the named instance, or the default one, and raise `ConfigError` if it is missing."""
        requested = name or self.default_instance
        found = self.instances.get(requested)
        if found is not None:
            return found
        if not self.instances:
            raise ConfigError(
                "No Argo CD instance is configured: set ARGOCD_SERVER and ARGOCD_AUTH_TOKEN, "
                "log in with the argocd CLI, or pass a TOML file with --config"
            )
        known = ", ".join(sorted(self.instances))
        raise ConfigError(f"Unknown Argo CD instance {requested!r}. Configured instances: {known}")


def load_settings(config_path: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Read the settings from the contexts file, the TOML file and the environment.

    `env` defaults to `os.environ`. With an explicit `env`, the home directory comes from
    its `HOME` only, so tests never read the real user's files.
    """
    env = os.environ if env is None else env
    layers = [contexts_layer(env), toml_layer(config_path, env), env_layer(env)]
    return build_settings(merge_layers(layers))


class Layer:
    """Contribution of one source: instance fields by name and top-level options."""

    def __init__(self, source: str = "") -> None:
        self.source = source
        self.instances: dict[str, dict[str, Any]] = {}
        self.default_instance: str | None = None
        self.options: dict[str, Any] = {}
        self.env_overrides: dict[str, Any] = {}


def contexts_file_path(env: Mapping[str, str]) -> Path | None:
    if env.get("ARGOCD_CONFIG_DIR"):
        return Path(env["ARGOCD_CONFIG_DIR"]).expanduser() / "config"
    if env.get("HOME"):
        return Path(env["HOME"]) / ".config" / "argocd" / "config"
    return None


def contexts_layer(env: Mapping[str, str]) -> Layer:
    """Read the argocd CLI contexts file (written by `argocd login`), if it exists.

    Servers there have no scheme (`host:port`). `plain-text: true` means http://, and
    `grpc-web-root-path` is the path prefix. Core-mode contexts have no API server and
    are skipped.
    """
    path = contexts_file_path(env)
    if path is None or not path.is_file():
        return Layer()

    source = f"argocd contexts file {path}"
    data = read_yaml(path)
    layer = Layer(source)
    servers = {item.get("server"): item for item in data.get("servers") or [] if isinstance(item, dict)}
    users = {item.get("name"): item for item in data.get("users") or [] if isinstance(item, dict)}
    for context in data.get("contexts") or []:
        fields = context_instance_fields(context, servers, users, source)
        if fields is not None:
            layer.instances[str(context["name"])] = fields

    current = data.get("current-context")
    if current in layer.instances:
        layer.default_instance = current
    return layer


def context_instance_fields(
    context: Any, servers: Mapping[Any, Any], users: Mapping[Any, Any], source: str
) -> dict[str, Any] | None:
    if not isinstance(context, dict) or not context.get("name") or not context.get("server"):
        logger.warning("Skipping a context without a name or server in %s", source)
        return None

    server = servers.get(context["server"], {"server": context["server"]})
    if server.get("core"):
        logger.info("Skipping core-mode context %s in %s: it has no API server", context["name"], source)
        return None

    user = users.get(context.get("user"), {})
    url = server_url(str(server["server"]), plaintext=bool(server.get("plain-text")), root_path=server.get("grpc-web-root-path") or "")
    # NOTE: an SSO token from `argocd login --sso` expires, and its refresh-token is not used here.
    return {
        "url": url,
        "token": user.get("auth-token") or None,
        "insecure": bool(server.get("insecure", False)),
        "source": source,
    }


def toml_layer(config_path: str | os.PathLike[str] | None, env: Mapping[str, str]) -> Layer:
    """Read our TOML file from `config_path`, else `$ARGONAUT_CONFIG`. A named file must exist."""
    chosen = config_path or env.get("ARGONAUT_CONFIG")
    if not chosen:
        return Layer()

    path = Path(chosen).expanduser()
    source = f"config file {path}"
    data = read_toml(path)
    check_keys(data, TOP_LEVEL_KEYS, source)
    layer = Layer(source)
    layer.default_instance = data.get("default_instance")
    layer.options.update(toml_options(data, source, path.parent, env))

    instances = data.get("instances", {})
    if not isinstance(instances, dict):
        raise ConfigError(f"[instances] in {source} must be a table of tables")
    for name, table in instances.items():
        layer.instances[name] = toml_instance_fields(name, table, path.parent, env, source)
    return layer


def toml_options(data: Mapping[str, Any], source: str, base_dir: Path, env: Mapping[str, str]) -> dict[str, Any]:
    options = {key: data[key] for key in ("read_only", "allowed_apps", "allowed_projects") if key in data}
    http = data.get("http", {})
    if not isinstance(http, dict):
        raise ConfigError(f"[http] in {source} must be a table")
    check_keys(http, HTTP_KEYS, f"[http] in {source}")

    for key, option in (("host", "http_host"), ("port", "http_port"), ("allowed_hosts", "allowed_hosts")):
        if key in http:
            options[option] = http[key]
    auth_token = secret_from_table(http, "auth_token", env, base_dir, f"[http] in {source}")
    if auth_token is not None:
        options["http_auth_token"] = auth_token
    return options


def toml_instance_fields(name: str, table: Any, base_dir: Path, env: Mapping[str, str], source: str) -> dict[str, Any]:
    where = f"[instances.{name}] in {source}"
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table")
    check_keys(table, INSTANCE_KEYS, where)

    fields: dict[str, Any] = {key: table[key] for key in ("url", "insecure", "verify_tls", "timeout_seconds") if key in table}
    if "ca_bundle" in table:
        fields["ca_bundle"] = str(resolve_path(table["ca_bundle"], base_dir))
    token = secret_from_table(table, "token", env, base_dir, where)
    if token is not None:
        fields["token"] = token
    fields["source"] = source
    return fields


def secret_from_table(table: Mapping[str, Any], key: str, env: Mapping[str, str], base_dir: Path, where: str) -> str | None:
    """Read a secret given as `KEY`, `KEY_env` (an environment variable name) or `KEY_file`."""
    if table.get(key):
        return str(table[key])
    variable = table.get(f"{key}_env")
    if variable:
        if not env.get(variable):
            raise ConfigError(f"{where} reads {key} from the environment variable {variable}, which is not set")
        return env[variable]
    file_name = table.get(f"{key}_file")
    if file_name:
        path = resolve_path(file_name, base_dir)
        try:
            return path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"{where}: cannot read {key}_file {path}: {exc.strerror}") from exc
    return None


def env_layer(env: Mapping[str, str]) -> Layer:
    """Read the environment. Instance settings go to `env_overrides` for the default instance."""
    layer = Layer("environment")
    layer.default_instance = env.get("ARGONAUT_INSTANCE") or None
    layer.env_overrides = env_instance_fields(env)
    layer.options = env_options(env)
    return layer


def env_instance_fields(env: Mapping[str, str]) -> dict[str, Any]:
    options = parse_argocd_opts(env.get("ARGOCD_OPTS", ""))
    fields: dict[str, Any] = {}

    server = env.get("ARGOCD_SERVER") or options.server
    if server:
        fields["url"] = server_url(server, plaintext=options.plaintext, root_path=options.grpc_web_root_path or "")
    token = env.get("ARGOCD_AUTH_TOKEN") or options.auth_token
    if token:
        fields["token"] = token
    if env.get("ARGONAUT_CA_BUNDLE"):
        fields["ca_bundle"] = env["ARGONAUT_CA_BUNDLE"]
    if options.insecure:
        fields["insecure"] = True
    if "ARGONAUT_INSECURE" in env:
        fields["insecure"] = parse_bool(env["ARGONAUT_INSECURE"], "ARGONAUT_INSECURE")
    if env.get("ARGONAUT_TIMEOUT_SECONDS"):
        fields["timeout_seconds"] = parse_float(env["ARGONAUT_TIMEOUT_SECONDS"], "ARGONAUT_TIMEOUT_SECONDS")
    if fields:
        fields["source"] = "environment"
    return fields


def env_options(env: Mapping[str, str]) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if "ARGONAUT_READ_ONLY" in env:
        options["read_only"] = parse_bool(env["ARGONAUT_READ_ONLY"], "ARGONAUT_READ_ONLY")
    if env.get("ARGONAUT_HTTP_TOKEN"):
        options["http_auth_token"] = env["ARGONAUT_HTTP_TOKEN"]
    for variable, option in (
        ("ARGONAUT_ALLOWED_HOSTS", "allowed_hosts"),
        ("ARGONAUT_ALLOWED_APPS", "allowed_apps"),
        ("ARGONAUT_ALLOWED_PROJECTS", "allowed_projects"),
    ):
        if variable in env:
            options[option] = [item.strip() for item in env[variable].split(",") if item.strip()]
    return options


def parse_argocd_opts(text: str) -> argparse.Namespace:
    """Read the flags of `ARGOCD_OPTS` that locate the server and ignore the other argocd CLI flags."""
    parser = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    parser.add_argument("--server")
    parser.add_argument("--auth-token")
    parser.add_argument("--grpc-web-root-path")
    parser.add_argument("--plaintext", action="store_true")
    parser.add_argument("--insecure", action="store_true")
    try:
        options, _ = parser.parse_known_args(shlex.split(text))
    except (ValueError, argparse.ArgumentError) as exc:
        raise ConfigError(f"Cannot parse ARGOCD_OPTS: {exc}") from exc
    return options


def merge_layers(layers: list[Layer]) -> Layer:
    """Merge layers in order, field by field. Environment overrides go to the default instance."""
    merged = Layer()
    for layer in layers:
        for name, fields in layer.instances.items():
            merged.instances[name] = merge_instance_fields(merged.instances.get(name, {}), fields)
        if layer.default_instance:
            merged.default_instance = layer.default_instance
        merged.options.update(layer.options)
        if layer.source and (layer.instances or layer.options or layer.env_overrides or layer.default_instance):
            merged.options.setdefault("sources", []).append(layer.source)

        if layer.env_overrides:
            target = merged.default_instance or sole_instance_name(merged.instances) or DEFAULT_INSTANCE_NAME
            merged.default_instance = target
            merged.instances[target] = merge_instance_fields(merged.instances.get(target, {}), layer.env_overrides)
    return merged


def sole_instance_name(instances: Mapping[str, Any]) -> str | None:
    return next(iter(instances)) if len(instances) == 1 else None


def merge_instance_fields(base: Mapping[str, Any], update: Mapping[str, Any]) -> dict[str, Any]:
    merged = {**base, **update}
    url_changed = "url" in update and "url" in base and normalize_server_url(update["url"]) != normalize_server_url(base["url"])
    if url_changed and "token" not in update:
        merged.pop("token", None)
    return merged


def build_settings(merged: Layer) -> Settings:
    instances = {name: build_instance(name, fields) for name, fields in merged.instances.items()}
    default = choose_default_instance(merged.default_instance, instances)
    try:
        return Settings(instances=instances, default_instance=default, **merged.options)
    except ValidationError as exc:
        raise ConfigError(f"Invalid settings: {validation_summary(exc)}") from None


def choose_default_instance(requested: str | None, instances: Mapping[str, InstanceConfig]) -> str:
    """Return the requested default, else the only instance, else `default` if configured."""
    default = requested or sole_instance_name(instances) or DEFAULT_INSTANCE_NAME
    if instances and default not in instances:
        known = ", ".join(sorted(instances))
        raise ConfigError(
            f"The default instance {default!r} is not configured (configured: {known}). "
            "Set default_instance in the TOML file or ARGONAUT_INSTANCE"
        )
    return default


def build_instance(name: str, fields: Mapping[str, Any]) -> InstanceConfig:
    source = fields.get("source") or "configuration"
    if not fields.get("url"):
        raise ConfigError(f"Argo CD instance {name!r} from {source} has no server URL: set url (or ARGOCD_SERVER)")
    try:
        return InstanceConfig(name=name, **fields)
    except ValidationError as exc:
        raise ConfigError(f"Invalid Argo CD instance {name!r} from {source}: {validation_summary(exc)}") from None


def validation_summary(exc: ValidationError, *, limit: int | None = None) -> str:
    """Describe the first `limit` validation errors (all by default) by field and reason.

    The input is never echoed, because it may be a token.
    """
    errors = exc.errors()[:limit]
    return "; ".join(f"{'.'.join(str(part) for part in error['loc']) or 'value'}: {error['msg']}" for error in errors)


def server_url(server: str, *, plaintext: bool = False, root_path: str = "") -> str:
    """Build a server URL from an argocd CLI server (`host:port`) or a URL, plus a path prefix."""
    url = server.strip()
    if "://" not in url:
        url = f"{'http' if plaintext else 'https'}://{url}"
    prefix = root_path.strip("/")
    if prefix:
        url = f"{url.rstrip('/')}/{prefix}"
    return normalize_server_url(url)


def normalize_server_url(url: str) -> str:
    """Validate an http(s) server URL and drop its trailing slash, keeping the path prefix."""
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError) as exc:
        raise ConfigError(f"Invalid Argo CD server URL {url!r}: {exc}") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ConfigError(f"Invalid Argo CD server URL {url!r}: expected http://HOST[:PORT][/PREFIX] or https://...")
    if parsed.query or parsed.fragment:
        raise ConfigError(f"Invalid Argo CD server URL {url!r}: remove the query or fragment")
    return str(parsed).rstrip("/")


def read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"Cannot read the argocd contexts file {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"Invalid YAML in the argocd contexts file {path}: {exc}") from None
    if not isinstance(data, dict):
        return {}
    return data


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except FileNotFoundError:
        raise ConfigError(f"Config file {path} not found (given by --config or ARGONAUT_CONFIG)") from None
    except OSError as exc:
        raise ConfigError(f"Cannot read config file {path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"Invalid TOML in config file {path}: {exc}") from None


def check_keys(table: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ConfigError(f"Unknown key(s) {', '.join(unknown)} in {where}. Allowed keys: {', '.join(sorted(allowed))}")


def resolve_path(value: Any, base_dir: Path) -> Path:
    path = Path(str(value)).expanduser()
    return path if path.is_absolute() else base_dir / path


def parse_bool(text: str, variable: str) -> bool:
    value = text.strip().lower()
    if value in TRUE_TEXTS:
        return True
    if value in FALSE_TEXTS:
        return False
    raise ConfigError(f"{variable} must be true or false (1/0, yes/no, on/off), got {text!r}")


def parse_float(text: str, variable: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ConfigError(f"{variable} must be a number of seconds, got {text!r}") from None
