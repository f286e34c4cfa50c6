"""What the console's pages share, built once when the console is mounted."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from bot.authoring.flows_doc import render_catalogue
from bot.console.pages import Pages
from bot.console.person import Questions
from bot.console.progress import Domains
from bot.services import Services


@dataclass
class Console:
    services: Services
    pages: Pages
    domains: Domains
    questions: Questions

    @classmethod
    def build(cls, services: Services) -> Console:
        flows = services.flows
        return cls(services, Pages(services.catalogs), Domains.of(flows), Questions.of(flows))

    @functools.cached_property
    def catalogue(self) -> dict[str, str]:
        """The flows catalogue's pages (`filrouge flows doc`), made at the first visit."""
        return render_catalogue(self.services.flows)
