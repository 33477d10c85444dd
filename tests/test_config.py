"""Settings from the argocd contexts file, our TOML file and the environment."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest

from argonaut_mcp.argocd import AuthenticationError, open_client
from argonaut_mcp.config import ConfigError, InstanceConfig, Settings, load_settings

CONTEXT_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjb250ZXh0In0.Y29udGV4dC1zaWc"
STAGING_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzdGFnaW5nIn0.c3RhZ2luZy1zaWc"
TOML_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0b21sIn0.dG9tbC1zaWc"
ENV_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJlbnYifQ.ZW52LXNpZw"
HTTP_TOKEN = "serve-bearer-0123456789abcdef"

CONTEXTS_YAML = f"""\
contexts:
- name: prod
  server: 127.0.0.1:8443
  user: prod-user
- name: staging
  server: 127.0.0.1:8080
  user: staging-user
- name: in-cluster
  server: kubernetes
  user: core-user
current-context: prod
prompts-enabled: false
servers:
- grpc-web-root-path: argocd
  server: 127.0.0.1:8443
  insecure: true
- plain-text: true
  server: 127.0.0.1:8080
- core: true
  server: kubernetes
users:
- name: prod-user
  auth-token: {CONTEXT_TOKEN}
  refresh-token: refresh-me
- name: staging-user
  auth-token: {STAGING_TOKEN}
- name: core-user
"""


def write_contexts(folder: Path, text: str = CONTEXTS_YAML) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config"
    path.write_text(text, encoding="utf-8")
    return path


def write_toml(folder: Path, text: str) -> Path:
    path = folder / "argonaut.toml"
    path.write_text(text, encoding="utf-8")
    return path


def all_tokens(settings: Settings) -> list[str]:
    tokens = [instance.token.get_secret_value() for instance in settings.instances.values() if instance.token]
    if settings.http_auth_token is not None:
        tokens.append(settings.http_auth_token.get_secret_value())
    return tokens


def test_contexts_file_from_config_dir(tmp_path: Path) -> None:
    write_contexts(tmp_path / "argocd")

    settings = load_settings(env={"ARGOCD_CONFIG_DIR": str(tmp_path / "argocd")})

    assert sorted(settings.instances) == ["prod", "staging"]
    assert settings.default_instance == "prod"
    prod = settings.instances["prod"]
    assert prod.url == "https://127.0.0.1:8443/argocd"
    assert prod.token is not None and prod.token.get_secret_value() == CONTEXT_TOKEN
    assert prod.insecure is True
    assert prod.verify_tls is False
    staging = settings.instances["staging"]
    assert staging.url == "http://127.0.0.1:8080"
    assert staging.insecure is False
    assert staging.verify_tls is True


def test_contexts_file_under_home(tmp_path: Path) -> None:
    write_contexts(tmp_path / ".config" / "argocd")

    settings = load_settings(env={"HOME": str(tmp_path)})

    assert settings.instance().name == "prod"
    assert "argocd contexts file" in settings.sources[0]


def test_no_sources_gives_no_instances(tmp_path: Path) -> None:
    settings = load_settings(env={"HOME": str(tmp_path)})

    assert settings.instances == {}
    with pytest.raises(ConfigError, match="ARGOCD_SERVER"):
        settings.instance()


def test_toml_file(tmp_path: Path) -> None:
    (tmp_path / "ca.pem").write_text("unused", encoding="utf-8")
    (tmp_path / "staging.token").write_text(STAGING_TOKEN + "\n", encoding="utf-8")
    path = write_toml(
        tmp_path,
        """
        default_instance = "prod"
        read_only = true
        allowed_apps = ["mentor-web-*"]
        allowed_projects = ["web"]

        [http]
        host = "127.0.0.1"
        port = 9000
        auth_token_env = "MCP_HTTP_TOKEN"
        allowed_hosts = ["127.0.0.1:9000"]

        [instances.prod]
        url = "https://127.0.0.1:8443/argocd/"
        token_env = "PROD_TOKEN"
        ca_bundle = "ca.pem"
        timeout_seconds = 12.5

        [instances.staging]
        url = "http://127.0.0.1:8080"
        token_file = "staging.token"
        """,
    )

    settings = load_settings(path, env={"PROD_TOKEN": TOML_TOKEN, "MCP_HTTP_TOKEN": HTTP_TOKEN})

    prod = settings.instance()
    assert prod.name == "prod"
    assert prod.url == "https://127.0.0.1:8443/argocd"
    assert prod.token is not None and prod.token.get_secret_value() == TOML_TOKEN
    assert prod.ca_bundle == str(tmp_path / "ca.pem")
    assert prod.timeout_seconds == 12.5
    assert prod.verify_tls is True
    staging = settings.instance("staging")
    assert staging.token is not None and staging.token.get_secret_value() == STAGING_TOKEN
    assert settings.read_only is True
    assert settings.allowed_apps == ["mentor-web-*"]
    assert settings.allowed_projects == ["web"]
    assert settings.http_port == 9000
    assert settings.allowed_hosts == ["127.0.0.1:9000"]
    assert settings.http_auth_token is not None and settings.http_auth_token.get_secret_value() == HTTP_TOKEN


def test_toml_path_from_environment(tmp_path: Path) -> None:
    path = write_toml(tmp_path, '[instances.one]\nurl = "http://127.0.0.1:8080"\n')

    settings = load_settings(env={"ARGONAUT_CONFIG": str(path)})

    assert settings.default_instance == "one"


def test_environment_only() -> None:
    env = {
        "ARGOCD_SERVER": "127.0.0.1:8443",
        "ARGOCD_AUTH_TOKEN": ENV_TOKEN,
        "ARGONAUT_CA_BUNDLE": "/etc/argocd/ca.pem",
        "ARGONAUT_READ_ONLY": "yes",
        "ARGONAUT_HTTP_TOKEN": HTTP_TOKEN,
        "ARGONAUT_ALLOWED_HOSTS": "127.0.0.1:8000, localhost:8000",
    }

    settings = load_settings(env=env)

    instance = settings.instance()
    assert instance.name == "default"
    assert instance.url == "https://127.0.0.1:8443"
    assert instance.token is not None and instance.token.get_secret_value() == ENV_TOKEN
    assert instance.ca_bundle == "/etc/argocd/ca.pem"
    assert instance.source == "environment"
    assert settings.read_only is True
    assert settings.http_auth_token is not None and settings.http_auth_token.get_secret_value() == HTTP_TOKEN
    assert settings.allowed_hosts == ["127.0.0.1:8000", "localhost:8000"]


def test_argocd_opts_read_like_the_cli() -> None:
    env = {"ARGOCD_SERVER": "127.0.0.1:8080", "ARGOCD_OPTS": "--plaintext --grpc-web-root-path /argocd --loglevel debug"}

    settings = load_settings(env=env)

    assert settings.instance().url == "http://127.0.0.1:8080/argocd"


def test_server_url_with_scheme_kept() -> None:
    settings = load_settings(env={"ARGOCD_SERVER": "http://127.0.0.1:8080/argocd/", "ARGONAUT_INSECURE": "1"})

    instance = settings.instance()
    assert instance.url == "http://127.0.0.1:8080/argocd"
    assert instance.insecure is True


def test_precedence_contexts_toml_environment(tmp_path: Path) -> None:
    write_contexts(tmp_path / "argocd")
    path = write_toml(
        tmp_path,
        """
        read_only = true

        [instances.prod]
        insecure = false
        timeout_seconds = 5

        [instances.staging]
        token = "%s"
        """
        % TOML_TOKEN,
    )
    env = {
        "ARGOCD_CONFIG_DIR": str(tmp_path / "argocd"),
        "ARGOCD_AUTH_TOKEN": ENV_TOKEN,
        "ARGONAUT_READ_ONLY": "false",
    }

    settings = load_settings(path, env=env)

    prod = settings.instance("prod")
    assert prod.url == "https://127.0.0.1:8443/argocd"
    assert prod.insecure is False
    assert prod.timeout_seconds == 5
    assert prod.token is not None and prod.token.get_secret_value() == ENV_TOKEN
    assert prod.source == "environment"
    staging = settings.instance("staging")
    assert staging.url == "http://127.0.0.1:8080"
    assert staging.token is not None and staging.token.get_secret_value() == TOML_TOKEN
    assert settings.default_instance == "prod"
    assert settings.read_only is False
    assert len(settings.sources) == 3


def test_environment_targets_named_instance(tmp_path: Path) -> None:
    write_contexts(tmp_path / "argocd")
    env = {"ARGOCD_CONFIG_DIR": str(tmp_path / "argocd"), "ARGONAUT_INSTANCE": "staging", "ARGOCD_AUTH_TOKEN": ENV_TOKEN}

    settings = load_settings(env=env)

    assert settings.default_instance == "staging"
    staging = settings.instance()
    assert staging.token is not None and staging.token.get_secret_value() == ENV_TOKEN
    prod = settings.instance("prod")
    assert prod.token is not None and prod.token.get_secret_value() == CONTEXT_TOKEN


def test_token_does_not_follow_new_url(tmp_path: Path) -> None:
    write_contexts(tmp_path / "argocd")
    env = {"ARGOCD_CONFIG_DIR": str(tmp_path / "argocd"), "ARGOCD_SERVER": "127.0.0.1:9443"}

    settings = load_settings(env=env)

    prod = settings.instance()
    assert prod.url == "https://127.0.0.1:9443"
    assert prod.token is None


@pytest.mark.parametrize(
    ("toml_text", "env", "fragment"),
    [
        ("[instances.a]\nurl = 'http://127.0.0.1:1'\ntokn = 'x'\n", {}, "Unknown key(s) tokn"),
        ("[instances.a]\nurl = 'ftp://127.0.0.1'\n", {}, "Invalid Argo CD server URL"),
        ("[instances.a]\ntoken = 'x'\n", {}, "has no server URL"),
        ("[instances.a]\nurl = 'http://127.0.0.1:1'\ntoken_env = 'NOPE'\n", {}, "NOPE, which is not set"),
        ("default_instance = 'b'\n[instances.a]\nurl = 'http://127.0.0.1:1'\n", {}, "default instance 'b' is not configured"),
        ("[instances.a]\nurl = 'http://127.0.0.1:1'\n[instances.b]\nurl = 'http://127.0.0.1:2'\n", {}, "Set default_instance"),
        ("read_only = 'sometimes'\n", {}, "read_only"),
        ("[instances.a\n", {}, "Invalid TOML"),
        ("", {"ARGONAUT_READ_ONLY": "maybe"}, "ARGONAUT_READ_ONLY must be true or false"),
        ("", {"ARGOCD_AUTH_TOKEN": ENV_TOKEN}, "has no server URL"),
    ],
)
def test_invalid_configuration(tmp_path: Path, toml_text: str, env: dict[str, str], fragment: str) -> None:
    path = write_toml(tmp_path, toml_text)

    with pytest.raises(ConfigError) as caught:
        load_settings(path, env=env)

    assert fragment in str(caught.value)
    assert ENV_TOKEN not in str(caught.value)


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "absent.toml", env={})


def test_unknown_instance_lists_known(tmp_path: Path) -> None:
    write_contexts(tmp_path / "argocd")
    settings = load_settings(env={"ARGOCD_CONFIG_DIR": str(tmp_path / "argocd")})

    with pytest.raises(ConfigError, match="Configured instances: prod, staging"):
        settings.instance("qa")


def test_tls_flags_stay_consistent() -> None:
    assert InstanceConfig(name="a", url="https://127.0.0.1", verify_tls=False).insecure is True
    assert InstanceConfig(name="a", url="https://127.0.0.1", insecure=True).verify_tls is False
    assert InstanceConfig(name="a", url="https://127.0.0.1").verify_tls is True


def test_invalid_instance_error_hides_token(tmp_path: Path) -> None:
    path = write_toml(tmp_path, f"[instances.a]\nurl = 'http://127.0.0.1:1'\ntoken = '{TOML_TOKEN}'\ntimeout_seconds = -1\n")

    with pytest.raises(ConfigError) as caught:
        load_settings(path, env={})

    assert "timeout_seconds" in str(caught.value)
    assert TOML_TOKEN not in str(caught.value)


@pytest.mark.anyio
async def test_tokens_never_in_repr_or_logs(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    write_contexts(tmp_path / "argocd")
    path = write_toml(tmp_path, f'[instances.staging]\ntoken = "{TOML_TOKEN}"\n')
    env = {"ARGOCD_CONFIG_DIR": str(tmp_path / "argocd"), "ARGOCD_AUTH_TOKEN": ENV_TOKEN, "ARGONAUT_HTTP_TOKEN": HTTP_TOKEN}

    settings = load_settings(path, env=env)
    tokens = all_tokens(settings)
    rejected = httpx.Response(401, json={"error": "invalid session", "code": 16, "message": "invalid session"})
    async with open_client(settings.instance("staging"), transport=httpx.MockTransport(lambda request: rejected)) as client:
        with pytest.raises(AuthenticationError) as caught:
            await client.list_applications()

    assert sorted(tokens) == sorted([ENV_TOKEN, TOML_TOKEN, HTTP_TOKEN])
    texts = [repr(settings), str(settings), repr(settings.instance("staging")), str(caught.value), repr(caught.value)]
    texts.extend(record.getMessage() for record in caplog.records)
    assert caplog.records, "expected log records from loading and the failed call"
    for text in texts:
        for token in tokens:
            assert token not in text


def test_environment_token_for_sole_instance(tmp_path: Path) -> None:
    path = write_toml(tmp_path, '[instances.local]\nurl = "http://127.0.0.1:8080"\n')

    settings = load_settings(path, env={"ARGOCD_AUTH_TOKEN": ENV_TOKEN})

    assert list(settings.instances) == ["local"]
    local = settings.instance()
    assert local.token is not None and local.token.get_secret_value() == ENV_TOKEN
