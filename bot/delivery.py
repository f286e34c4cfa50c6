"""The one way out: how what the service says reaches a person, whatever caused it.

A person's own turn, a release, a reminder, a counsellor's message: each hands a
`Letter` to a `Delivery`, inside the transaction that decided what to say, so
that what is said commits with the state or not at all. Each channel has one
implementation, registered by the composition root (`bot.app.compose`); the
core never imports a channel:

* the kiosk's writes the words into the transcript: the page shows them, now
  or at the next login;
* Telegram's writes outbox rows; they are sent after the commit, and recorded
  in the transcript once Telegram accepted them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from bot.i18n import Translator
from bot.tx import Tx
from dialogs.outputs import Output
from storage.conversation import PersonView
from storage.enums import Channel
from storage.outbox import Queued


@dataclass(frozen=True)
class Letter:
    """What to say to one person, and where the conversation stands."""

    person: PersonView
    outputs: Sequence[Output]
    translator: Translator
    cause: Channel
    """What brought it about: the channel of the person's own turn, or `system`
    (recorded with the words in the transcript)."""
    to: Channel | None = None
    """The channel to say it on; None: wherever the person can be reached now."""
    address: str | None = None
    """Where on that channel (a Telegram chat id); None: the person's own."""
    flow_id: str | None = None
    step_id: str | None = None
    send_at_once: bool = False
    """The caller sends what is queued right after the commit (Telegram's handlers do):
    the rows are held for it, and no other sender takes them meanwhile."""


class Delivery(Protocol):
    """One channel's way of saying things (like aiogram's `BaseStorage`: small and
    swappable). Implementations write, they never send: sending happens after
    the transaction committed."""

    @property
    def channel(self) -> Channel:
        """The channel this delivery speaks on."""
        ...

    def address_of(self, tx: Tx, person_id: int) -> str | None:
        """Where the person can be reached on this channel now, or None."""
        ...

    def deliver(self, tx: Tx, letter: Letter) -> list[Queued]:
        """Write what `letter` says; return the messages queued for sending now."""
        ...


class NoDelivery(LookupError):
    """No delivery is registered for a channel (a composition error)."""


class Deliveries:
    """The registered deliveries, by channel, in the order a person is looked for."""

    def __init__(self) -> None:
        self._by_channel: dict[Channel, Delivery] = {}

    def register(self, delivery: Delivery) -> None:
        """Add a channel; register first the channels that reach a person best
        (Telegram, on their own phone, before the kiosk they visit)."""
        self._by_channel[delivery.channel] = delivery

    def on(self, channel: Channel) -> Delivery:
        found = self._by_channel.get(channel)
        if found is None:
            raise NoDelivery(f"no delivery registered for {channel}: see bot.app.compose")
        return found

    def reach(self, tx: Tx, person_id: int) -> tuple[Delivery, str | None]:
        """The first channel on which the person can be reached, with the address;
        the kiosk when none is (its transcript waits for their next visit)."""
        for delivery in self._by_channel.values():
            address = delivery.address_of(tx, person_id)
            if address is not None:
                return delivery, address
        return self.on(Channel.KIOSK), None

    def deliver(self, tx: Tx, letter: Letter) -> list[Queued]:
        """Hand `letter` to its channel or, when it names none, to the one that
        reaches the person now."""
        if letter.to is not None:
            return self.on(letter.to).deliver(tx, letter)
        delivery, address = self.reach(tx, letter.person.id)
        return delivery.deliver(tx, replace(letter, to=delivery.channel, address=address))
