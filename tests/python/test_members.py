"""The Desk's member administration, through the generated methods of both clients."""
import asyncio

import pytest

import timdesk

AGENT = "test_agent@qq.com"


def _online(emulator, agent_id):
    return next(a["online"] for a in emulator.agents() if a["agent_id"] == agent_id)


def test_restore_member_online_brings_a_member_back(timdesk_emulator):
    client = timdesk_emulator.client()
    timdesk_emulator.set_agent_online(AGENT, False)
    assert client.restore_member_online(member_mail=AGENT) is None
    assert _online(timdesk_emulator, AGENT) is True
    client.restore_member_online(member_mail=AGENT)  # already online: still fine
    with pytest.raises(timdesk.TimdeskError) as raised:
        client.restore_member_online(member_mail="nobody@qq.com")
    assert raised.value.code == 141010


def test_restore_member_online_from_the_async_client(timdesk_emulator):
    timdesk_emulator.set_agent_online(AGENT, False)

    async def main():
        async with timdesk_emulator.async_client() as client:
            await client.restore_member_online(member_mail=AGENT)

    asyncio.run(main())
    assert _online(timdesk_emulator, AGENT) is True


def test_restore_member_online_checks_its_field_before_sending(timdesk_emulator):
    client = timdesk_emulator.client()
    with pytest.raises(timdesk.InvalidArgumentError, match="MemberMail"):
        client.call_endpoint("restore_member_online", {})
    with pytest.raises(timdesk.InvalidArgumentError, match="MemberMial"):
        client.call_endpoint("restore_member_online", {"MemberMial": AGENT})
    assert timdesk_emulator.control("GET", "/requests").get("desk_http_svc/restore_member_online", 0) == 0
