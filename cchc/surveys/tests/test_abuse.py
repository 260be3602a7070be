"""Abuse control without personal data: keyed hashes in the cache, limits, the honeypot."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
import time_machine
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from .. import abuse

ADDRESS = "203.0.113.42"


def request_from(address: str = ADDRESS, **meta: str):
    return RequestFactory().post("/s/abc/", REMOTE_ADDR=address, **meta)


def test_the_rate_limit_is_read_from_the_settings(settings):
    settings.SURVEY_RATE_LIMIT = "5/60"
    assert abuse.rate_limit() == abuse.RateLimit(5, 60)
    del settings.SURVEY_RATE_LIMIT
    assert abuse.rate_limit() == abuse.RateLimit(20, 600)


@pytest.mark.parametrize("value", ["20", "a/b", "20/0", "1/2/3"])
def test_a_malformed_rate_limit_is_a_configuration_error(settings, value):
    settings.SURVEY_RATE_LIMIT = value
    with pytest.raises(ImproperlyConfigured):
        abuse.rate_limit()


def test_the_client_key_keeps_no_address_and_changes_every_day():
    today = abuse.client_key(request_from())
    assert ADDRESS not in today
    assert len(today) == 32
    assert abuse.client_key(request_from()) == today  # the same client the same day
    assert abuse.client_key(request_from("203.0.113.43")) != today
    with time_machine.travel(datetime.datetime(2026, 11, 29, 2, tzinfo=datetime.UTC)):
        assert abuse.client_key(request_from()) != today


def test_the_key_depends_on_the_secret(settings):
    before = abuse.client_key(request_from())
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    assert abuse.client_key(request_from()) != before


def test_the_address_behind_trusted_proxies(settings):
    forwarded = {"HTTP_X_FORWARDED_FOR": "198.51.100.1, 192.0.2.5"}
    assert abuse.client_address(request_from("10.0.0.1", **forwarded)) == "10.0.0.1"
    settings.AXES_IPWARE_PROXY_COUNT = 1
    assert abuse.client_address(request_from("10.0.0.1", **forwarded)) == "192.0.2.5"
    settings.AXES_IPWARE_PROXY_COUNT = 2
    assert abuse.client_address(request_from("10.0.0.1", **forwarded)) == "198.51.100.1"
    settings.AXES_IPWARE_PROXY_COUNT = 3  # fewer hops than proxies: not trusted
    assert abuse.client_address(request_from("10.0.0.1", **forwarded)) == "10.0.0.1"


def test_a_client_is_throttled_per_scope_after_n_submissions(settings):
    settings.SURVEY_RATE_LIMIT = "2/600"
    client = request_from()
    assert abuse.throttled(client, "unit-a") is None
    assert abuse.throttled(client, "unit-a") is None
    wait = abuse.throttled(client, "unit-a")
    assert wait is not None
    assert 0 < wait <= 600
    assert abuse.throttled(client, "unit-b") is None
    assert abuse.throttled(request_from("203.0.113.43"), "unit-a") is None


def test_the_count_starts_again_in_the_next_period(settings):
    settings.SURVEY_RATE_LIMIT = "1/600"
    client = request_from()
    assert abuse.throttled(client, "unit-a") is None
    assert abuse.throttled(client, "unit-a") is not None
    with time_machine.travel(datetime.datetime(2026, 11, 28, 2, 10, 1, tzinfo=datetime.UTC)):
        assert abuse.throttled(client, "unit-a") is None


def test_the_cache_is_given_only_hashed_keys(settings):
    settings.SURVEY_RATE_LIMIT = "5/600"
    with mock.patch.object(abuse, "cache", wraps=cache) as spy:
        abuse.throttled(request_from(), "unit-a")
    calls = spy.add.call_args_list + spy.incr.call_args_list
    assert calls
    assert not any(ADDRESS in str(call) for call in calls)


def test_no_limit_when_the_count_is_zero(settings):
    settings.SURVEY_RATE_LIMIT = "0/60"
    client = request_from()
    assert all(abuse.throttled(client, "unit-a") is None for _ in range(50))


def test_a_body_over_the_limit_is_too_large(settings):
    settings.SURVEY_MAX_BODY = 100
    assert not abuse.too_large(request_from(CONTENT_LENGTH="100"))
    assert abuse.too_large(request_from(CONTENT_LENGTH="101"))
    assert abuse.too_large(request_from(CONTENT_LENGTH="not a number"))
    del settings.SURVEY_MAX_BODY
    assert abuse.max_body() == 32 * 1024


def test_the_honeypot_is_filled_only_by_robots():
    assert not abuse.is_bot("")
    assert not abuse.is_bot("   ")
    assert not abuse.is_bot(None)
    assert abuse.is_bot("http://spam.example")


def test_abuse_is_counted_per_campaign():
    abuse.note(7, "honeypot")
    abuse.note(7, "honeypot")
    abuse.note(7, "rate_limited")
    abuse.note(8, "too_large")
    assert abuse.abuse_counts(7) == {"honeypot": 2, "rate_limited": 1, "too_large": 0}
    assert abuse.abuse_counts(8) == {"honeypot": 0, "rate_limited": 0, "too_large": 1}
