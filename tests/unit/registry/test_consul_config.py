"""The Consul backend's pure parts: addresses, durations, the registration body, the retry."""

import pytest

from registry.consul import ConsulDiscovery
from registry.consul_api import background_retry
from registry.consul_config import ConsulConfig, advertise_host, duration, parse_address
from registry.errors import (
    ConsulRejected,
    ConsulTokenError,
    ConsulUnavailable,
    DiscoveryConfigError,
)
from registry.factory import DiscoveryOptions, create_discovery
from registry.static import StaticDiscovery


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("", "http://127.0.0.1:8500"),
        ("127.0.0.1:8500", "http://127.0.0.1:8500"),
        ("consul.service:9500", "http://consul.service:9500"),
        ("http://10.0.0.7:8500", "http://10.0.0.7:8500"),
        ("https://consul.example.com", "https://consul.example.com:8501"),
        ("HTTPS://consul:8443/", "https://consul:8443"),
        ("http://[::1]:8500", "http://[::1]:8500"),
    ],
)
def test_parse_address(text: str, url: str) -> None:
    assert parse_address(text).url == url


@pytest.mark.parametrize(
    "text", ["unix:///tmp/consul.sock", "http://:8500", "h:99999", "h:x", "http://h/v1"]
)
def test_bad_address_names_the_variable(text: str) -> None:
    with pytest.raises(DiscoveryConfigError, match="CONSUL_HTTP_ADDR"):
        parse_address(text)


def test_bad_address_fails_when_the_backend_is_built() -> None:
    with pytest.raises(DiscoveryConfigError, match="CONSUL_HTTP_ADDR"):
        ConsulDiscovery(ConsulConfig(address="ftp://consul"))


def test_durations_are_exact_milliseconds() -> None:
    assert duration(2.0) == "2000ms"
    assert duration(0.25) == "250ms"
    assert duration(60) == "60000ms"
    assert duration(0) == "1ms"


def test_advertise_host_keeps_a_concrete_host() -> None:
    assert advertise_host("10.1.2.3", "127.0.0.1") == "10.1.2.3"
    assert advertise_host("[::1]", "127.0.0.1") == "::1"


@pytest.mark.parametrize("wildcard", ["0.0.0.0", "::", ""])
def test_advertise_host_replaces_a_wildcard_with_the_route_to_consul(wildcard: str) -> None:
    assert advertise_host(wildcard, "127.0.0.1") == "127.0.0.1"


def test_background_retry_backs_off_on_outages_and_waits_longest_on_refusals() -> None:
    retry = background_retry(ConsulConfig(backoff_initial=1.0, backoff_max=4.0))
    assert (retry.initial, retry.maximum, retry.timeout, retry.attempts) == (1.0, 4.0, None, None)
    unavailable = ConsulUnavailable("down", reason="CONSUL_UNAVAILABLE")
    token = ConsulTokenError("refused", consul_message="ACL not found")
    rejected = ConsulRejected("bad", reason="CONSUL_REJECTED")
    assert all(retry.predicate(exc) for exc in (unavailable, token, rejected))
    assert not retry.predicate(ValueError("a bug"))
    assert retry.hint(unavailable) is None  # the backoff's delay
    assert retry.hint(token) == retry.hint(rejected) == 4.0  # only an operator can fix it


def test_factory_picks_consul_only_when_asked() -> None:
    consul = create_discovery(
        DiscoveryOptions(kind="consul", consul_address="127.0.0.1:18500", check_interval=5.0)
    )
    assert isinstance(consul, ConsulDiscovery)
    assert consul.config.address == "127.0.0.1:18500"
    assert consul.config.check_interval == 5.0
    assert isinstance(create_discovery(DiscoveryOptions()), StaticDiscovery)


def test_endpoints_outside_an_event_loop_are_empty_not_an_error() -> None:
    assert ConsulDiscovery().endpoints("planner") == []
