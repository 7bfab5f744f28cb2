"""Webhook handshake, signature and payload parsing, checked against Meta's documented examples
(meta-graph-api.md section 7, Examples D-F: the signatures there were computed independently)."""

from __future__ import annotations

import json

import pytest

from connectors import webhooks

SECRET = "test-app-secret"
EXAMPLE_D = (
    b'{"object":"page","entry":[{"id":"104857600000001","time":1741797669,"changes":[{"field":"feed",'
    b'"value":{"from":{"id":"7209384756102938","name":"Sam Example"},"post":{"status_type":"added_photos",'
    b'"is_published":true,"updated_time":"2025-03-12T16:41:07+0000","permalink_url":'
    b'"https://www.facebook.com/104857600000001/posts/998877665544332","promotion_status":"inactive",'
    b'"id":"104857600000001_998877665544332"},"message":"Mr Smith is a disgrace \\u2014 sack him",'
    b'"post_id":"104857600000001_998877665544332","comment_id":"998877665544332_1122334455667788",'
    b'"created_time":1741797667,"item":"comment","parent_id":"104857600000001_998877665544332","verb":"add"}}]}]}'
)
SIGNATURE_D = "sha256=ee14b305d523eb2f5e3f7eee3192f37df8181c0137485dfc7e911ea21982b77d"
EXAMPLE_E = (
    b'{"object":"instagram","entry":[{"id":"17841400000000001","time":1741797700,"changes":[{"field":'
    b'"comments","value":{"from":{"id":"1234567890123456","username":"year9_anon"},"media":{"id":'
    b'"17895695668004550","media_product_type":"FEED"},"id":"17858893269000001","text":'
    b'"you lot are pathetic","parent_id":"17858893200000000"}}]}]}'
)
SIGNATURE_E = "sha256=bcbe1ebd5f68b2219cccb01b86c99dcfe36ff96eaaa359ad410c2110c03c7d55"


def test_documented_signatures_match_over_the_raw_body() -> None:
    assert webhooks.signature_ok(EXAMPLE_D, SIGNATURE_D, SECRET)
    assert webhooks.signature_ok(EXAMPLE_E, SIGNATURE_E, SECRET)
    assert webhooks.sign(EXAMPLE_D, SECRET) == SIGNATURE_D


@pytest.mark.parametrize(
    "body,header,secret",
    [
        (EXAMPLE_D, None, SECRET),  # missing
        (EXAMPLE_D, "", SECRET),
        (EXAMPLE_D, SIGNATURE_E, SECRET),  # another body's signature
        (EXAMPLE_D, SIGNATURE_D.replace("sha256=", "sha1="), SECRET),
        (EXAMPLE_D, SIGNATURE_D, "another-secret"),
        (EXAMPLE_D, SIGNATURE_D, ""),  # no secret configured: nothing is accepted
        (EXAMPLE_D.replace(b"\\u2014", "\u2014".encode()), SIGNATURE_D, SECRET),  # re-serialised
        (EXAMPLE_D + b" ", SIGNATURE_D, SECRET),  # one byte more
    ],
)
def test_wrong_or_missing_signatures_are_refused(
    body: bytes, header: str | None, secret: str
) -> None:
    assert not webhooks.signature_ok(body, header, secret)


def test_handshake() -> None:
    good = {
        "hub.mode": "subscribe",
        "hub.challenge": "1158201444",
        "hub.verify_token": "meatyhamhock",
    }
    assert webhooks.handshake(good, "meatyhamhock") == "1158201444"
    assert webhooks.handshake({**good, "hub.verify_token": "wrong"}, "meatyhamhock") is None
    assert webhooks.handshake({**good, "hub.mode": "unsubscribe"}, "meatyhamhock") is None
    assert webhooks.handshake(good, "") is None  # no verify token configured


def test_page_comment_change() -> None:
    (change,) = webhooks.parse(EXAMPLE_D)
    assert change.platform == "facebook" and change.account_id == "104857600000001"
    assert change.verb == "add" and change.comment_id == "998877665544332_1122334455667788"
    assert change.post_id == "104857600000001_998877665544332"
    assert change.author_id == "7209384756102938" and not change.by_owner


def test_edited_and_removed_comments_are_surfaced() -> None:
    """Example D's variants (section 7): ``edited`` carries the new message, ``remove`` none;
    Meta's ``edit``/``delete`` spellings read as the same verbs."""
    edited = EXAMPLE_D.replace(b'"verb":"add"', b'"verb":"edited"').replace(
        b"sack him", b"he should go"
    )
    removed = (
        b'{"object":"page","entry":[{"id":"104857600000001","time":1741797800,"changes":[{"field":'
        b'"feed","value":{"from":{"id":"7209384756102938"},"parent_id":"104857600000001_998877665544332",'
        b'"comment_id":"998877665544332_1122334455667788","post_id":"104857600000001_998877665544332",'
        b'"verb":"remove","item":"comment","created_time":1741797800}}]}]}'
    )
    (change,) = webhooks.parse(edited)
    assert change.verb == "edited" and change.value["message"].endswith("he should go")
    assert change.comment_id == "998877665544332_1122334455667788"
    (gone,) = webhooks.parse(removed)
    assert gone.verb == "remove" and "message" not in gone.value
    assert gone.comment_id == change.comment_id and gone.author_id == "7209384756102938"
    assert len({webhooks.parse(EXAMPLE_D)[0].dedup_key, change.dedup_key, gone.dedup_key}) == 3
    for alias, verb in ((b"edit", "edited"), (b"delete", "remove")):
        (aliased,) = webhooks.parse(removed.replace(b'"verb":"remove"', b'"verb":"' + alias + b'"'))
        assert aliased.verb == verb


def test_instagram_comment_change() -> None:
    (change,) = webhooks.parse(EXAMPLE_E)
    assert (change.platform, change.account_id) == ("instagram", "17841400000000001")
    assert change.comment_id == "17858893269000001" and change.post_id == "17895695668004550"


def test_a_retried_delivery_has_the_same_key_even_when_sent_later() -> None:
    retried = EXAMPLE_D.replace(b'"time":1741797669', b'"time":1741801269')
    assert webhooks.parse(retried)[0].dedup_key == webhooks.parse(EXAMPLE_D)[0].dedup_key
    edited = EXAMPLE_D.replace(b'"verb":"add"', b'"verb":"edited"')
    assert webhooks.parse(edited)[0].dedup_key != webhooks.parse(EXAMPLE_D)[0].dedup_key


def test_other_changes_are_left_out_and_the_pages_own_comment_is_marked() -> None:
    payload = json.loads(EXAMPLE_D)
    value = payload["entry"][0]["changes"][0]["value"]
    reaction = {"field": "feed", "value": {**value, "item": "reaction", "verb": "add"}}
    own = {"field": "feed", "value": {**value, "from": {"id": "104857600000001", "name": "School"}}}
    payload["entry"][0]["changes"] = [reaction, own, {"field": "feed"}, "junk"]
    (change,) = webhooks.parse(json.dumps(payload).encode())
    assert change.by_owner


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[]", b'{"object": "user", "entry": []}', b'{"object": "page"}', b"\xff\xfe"],
)
def test_bodies_that_are_not_deliveries(body: bytes) -> None:
    with pytest.raises(webhooks.PayloadError):
        webhooks.parse(body)
