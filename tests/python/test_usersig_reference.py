"""Our UserSigs, read by the reference implementation's own rules (PyPI `tls-sig-api-v2`).

The reference has no verifier, so this applies its decoding (its base64 variant, zlib,
JSON) and its HMAC rule (its private __hmacsha256) to what `timdesk usersig gen` prints.
The other direction (ours verifies theirs) is in crates/timdesk/tests/reference_vectors.rs.
"""
import base64
import json
import zlib

import pytest
import TLSSigAPIv2

CASES = [
    (1400000000, "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e", "administrator", None),
    (20001234, "short", "客服小王", b"\x00\xff\n\"\\"),
    (4294967295, "k" * 200, 'quote"back\\slash\ttab', b""),
    (1, "key", "emoji 🎧", bytes(range(256))),
]


@pytest.mark.parametrize("sdkappid,key,identifier,userbuf", CASES)
def test_reference_decodes_ours_and_accepts_its_hmac(run_cli, sdkappid, key, identifier, userbuf):
    args = ["usersig", "gen", "--sdkappid", str(sdkappid), "--identifier", identifier,
            "--expire", "86400", "--time", "1730443136"]
    if userbuf is not None:
        args += ["--userbuf-hex", userbuf.hex()]
    result = run_cli(*args, env={"TIMDESK_SECRET_KEY": key})
    assert result.returncode == 0, result.stderr
    usersig = result.stdout.strip()

    doc = json.loads(zlib.decompress(TLSSigAPIv2.base64_decode_url(usersig.encode())))
    assert doc["TLS.ver"] == "2.0"
    assert doc["TLS.identifier"] == identifier
    assert doc["TLS.sdkappid"] == sdkappid
    assert doc["TLS.time"] == 1730443136
    assert doc["TLS.expire"] == 86400
    if userbuf is None:
        assert "TLS.userbuf" not in doc
    else:
        assert base64.b64decode(doc["TLS.userbuf"]) == userbuf

    reference = TLSSigAPIv2.TLSSigAPIv2(sdkappid, key)
    expected = reference._TLSSigAPIv2__hmacsha256(
        identifier, doc["TLS.time"], doc["TLS.expire"], doc.get("TLS.userbuf"))
    assert doc["TLS.sig"] == expected.decode()


def test_a_wrong_key_gives_an_hmac_the_reference_refuses(run_cli):
    result = run_cli("usersig", "gen", "--sdkappid", "1", "--identifier", "u", "--key", "right")
    doc = json.loads(zlib.decompress(TLSSigAPIv2.base64_decode_url(result.stdout.strip().encode())))
    wrong = TLSSigAPIv2.TLSSigAPIv2(1, "wrong")._TLSSigAPIv2__hmacsha256(
        "u", doc["TLS.time"], doc["TLS.expire"], None)
    assert doc["TLS.sig"] != wrong.decode()


def test_the_cli_verifies_what_the_reference_generates(run_cli):
    sig = TLSSigAPIv2.TLSSigAPIv2(1400000000, "k").gen_sig_with_userbuf("客服", 600, b"\x01\x02")
    result = run_cli("usersig", "verify", "--sdkappid", "1400000000", "--identifier", "客服", sig,
                     env={"TIMDESK_SECRET_KEY": "k"})
    assert result.returncode == 0, result.stdout
    report = json.loads(result.stdout)
    assert report["valid"] is True
    assert report["userbuf_hex"] == "0102"
