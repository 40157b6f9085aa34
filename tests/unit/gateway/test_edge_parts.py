"""Body limit, API keys, rate limit, deadlines and the bind address, each on its own."""

import hashlib
from pathlib import Path
from typing import Any

import pytest

from gateway.auth import ApiKeys, KeyFileError, presented_key
from gateway.body import read_body
from gateway.deadline import parse_grpc_timeout, request_timeout
from gateway.errors import HttpError
from gateway.ratelimit import RateLimiter
from gateway.server import bind_host
from tests.support.settings import load_settings


def receiver(*chunks: bytes) -> Any:
    messages = [
        {"type": "http.request", "body": c, "more_body": i < len(chunks) - 1}
        for i, c in enumerate(chunks)
    ]

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    return receive


async def test_body_limit() -> None:
    assert await read_body(receiver(b"ab", b"cd"), {}, 4) == b"abcd"
    with pytest.raises(HttpError) as declared:
        await read_body(receiver(b""), {"content-length": "5"}, 4)
    assert declared.value.http == 413
    with pytest.raises(HttpError) as streamed:
        await read_body(receiver(b"ab", b"cd", b"e"), {}, 4)
    assert streamed.value.http == 413
    with pytest.raises(HttpError) as bad:
        await read_body(receiver(b""), {"content-length": "-1"}, 4)
    assert bad.value.http == 400


def test_api_keys_are_kept_hashed_and_matched(tmp_path: Path) -> None:
    key_file = tmp_path / "keys"
    key_file.write_text("# comment\n  k2  \n\n")
    keys = ApiKeys.from_settings("k1, ,k1", key_file)
    assert len(keys) == 2
    assert keys.enabled
    assert "k1" not in repr(vars(keys))
    assert hashlib.sha256(b"k1").digest() in [k.digest for k in vars(keys)["_keys"]]
    assert keys.identify("k2") == "key-" + hashlib.sha256(b"k2").hexdigest()[:12]
    assert keys.identify("k3") is None
    assert not ApiKeys.from_settings("", None).enabled
    with pytest.raises(KeyFileError, match="TRIPMESH_API_KEY_FILE"):
        ApiKeys.from_settings("", tmp_path / "missing")


def test_a_key_file_in_yaml_names_keys_with_their_limits(tmp_path: Path) -> None:
    key_file = tmp_path / "keys.yaml"
    digest = hashlib.sha256(b"secret-one").hexdigest()
    key_file.write_text(
        f"keys:\n  - name: mobile\n    key_hash: sha256:{digest}\n    rpm: 120\n"
        "    usd_per_day: 2.5\n"
    )
    keys = ApiKeys.from_settings("plain-key", key_file)
    mobile = keys.lookup("secret-one")
    assert mobile is not None
    assert (mobile.name, mobile.rpm, mobile.usd_per_day) == ("mobile", 120, 2.5)
    assert keys.identify("plain-key") == "key-" + hashlib.sha256(b"plain-key").hexdigest()[:12]
    assert keys.rates == {120}
    json_file = tmp_path / "keys.json"
    json_file.write_text(f'[{{"name": "ci", "key_hash": "{digest}"}}]')
    assert ApiKeys.from_settings("", json_file).identify("secret-one") == "ci"
    json_file.write_text('[{"name": "ci", "key_hash": "sha256:abc"}]')
    with pytest.raises(KeyFileError, match=r"keys\[0\] \(ci\): key_hash"):
        ApiKeys.from_settings("", json_file)


def test_presented_key_from_either_header() -> None:
    assert presented_key({"authorization": "Bearer abc"}) == "abc"
    assert presented_key({"authorization": "bearer abc "}) == "abc"
    assert presented_key({"x-api-key": "xyz"}) == "xyz"
    assert presented_key({"authorization": "Basic abc"}) is None
    assert presented_key({}) is None


def test_token_bucket() -> None:
    now = [0.0]
    limiter = RateLimiter(60, burst=2, clock=lambda: now[0])  # one a second, two at once
    assert limiter.take("a") == 0
    assert limiter.take("a") == 0
    assert limiter.take("a") == pytest.approx(1.0)
    assert limiter.take("b") == 0  # buckets are per client
    now[0] = 1.0
    assert limiter.take("a") == 0  # one token back after a second
    assert RateLimiter(0).take("a") == 0  # off


def test_token_bucket_forgets_the_oldest_clients() -> None:
    limiter = RateLimiter(1, max_clients=2, clock=lambda: 0.0)
    for client in ("a", "b", "c"):
        limiter.take(client)
    assert limiter.take("a") == 0  # "a" was forgotten: a full bucket again


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("5S", 5), ("500m", 0.5), ("2M", 120), ("1H", 3600), ("100u", 1e-4), ("7n", 7e-9)],
)
def test_grpc_timeout_syntax(text: str, seconds: float) -> None:
    assert parse_grpc_timeout(text) == pytest.approx(seconds)


def test_request_timeout_headers() -> None:
    assert request_timeout({}, 30, 60) == 30
    assert request_timeout({"grpc-timeout": "2S", "x-request-timeout": "9"}, 30, 60) == 2
    assert request_timeout({"x-request-timeout": "1.5"}, 30, 60) == 1.5
    assert request_timeout({"grpc-timeout": "10H"}, 30, 60) == 60  # capped
    for bad in ({"grpc-timeout": "5s"}, {"grpc-timeout": "123456789S"}, {"x-request-timeout": "0"}):
        with pytest.raises(HttpError) as error:
            request_timeout(bad, 30, 60)
        assert error.value.http == 400


def test_without_keys_the_gateway_binds_loopback_only(caplog: pytest.LogCaptureFixture) -> None:
    open_host = load_settings(host="0.0.0.0")
    assert bind_host(open_host, keys_enabled=False) == "127.0.0.1"
    assert "refusing to bind 0.0.0.0" in caplog.text
    assert bind_host(open_host, keys_enabled=True) == "0.0.0.0"
    assert bind_host(load_settings(host="::1"), keys_enabled=False) == "::1"
