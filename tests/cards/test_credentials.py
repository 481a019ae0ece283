"""The pure judging function: properties of encode/check/judge, without the server."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from backend.cards.credentials import CREDENTIAL_TYP, Checked, Reason, check, encode, judge

KEY = Ed25519PrivateKey.generate()
KEYS = {"k1": KEY.public_key()}
ISS = "https://issuer.test"
SERVICES = ["education", "medical", "tourism", "transport", "legal", "government"]

claims_strategy = st.fixed_dictionaries(
    {
        "iss": st.just(ISS),
        "sub": st.text(min_size=1, max_size=20),
        "iat": st.integers(0, 2**40),
        "nbf": st.integers(0, 2**40),
        "exp": st.integers(0, 2**40),
        "services": st.lists(st.sampled_from(SERVICES), unique=True),
        "name": st.text(max_size=10),
        "ent": st.text(max_size=40),
        "status": st.fixed_dictionaries(
            {
                "status_list": st.fixed_dictionaries(
                    {"idx": st.integers(0, 2**17), "uri": st.just(ISS + "/api/v1/status-lists/1")}
                )
            }
        ),
    }
)


@given(claims_strategy, st.integers(0, 2**40), st.integers(0, 2), st.sampled_from(SERVICES))
def test_encode_then_judge(claims, now, status, service):
    token = encode(claims, typ=CREDENTIAL_TYP, kid="k1", key=KEY)
    checked = check(token, keys=KEYS, issuer=ISS)
    assert isinstance(checked, Checked) and checked.claims == claims
    verdict = judge(checked, now=now, status=status, service=service)
    if now < claims["nbf"]:
        assert verdict.reason == Reason.NOT_YET_VALID
    elif now >= claims["exp"]:
        assert verdict.reason == Reason.EXPIRED
    elif status:
        assert verdict.reason == (Reason.REVOKED if status == 1 else Reason.SUSPENDED)
    else:
        assert verdict.valid == (service in claims["services"])
    assert check(token, keys=KEYS, issuer="https://other.test") == Reason.UNKNOWN_KEY
    assert check(token, keys={"k1": Ed25519PrivateKey.generate().public_key()}, issuer=ISS) == Reason.BAD_SIGNATURE
    assert check(token, keys={}, issuer=ISS) == Reason.UNKNOWN_KEY


@given(st.binary(max_size=200))
def test_any_bytes_are_judged(data):
    result = check(data.decode("latin-1"), keys=KEYS, issuer=ISS)
    assert isinstance(result, Reason)
