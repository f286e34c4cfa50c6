"""The loaded flows, together: what the engine runs and the plan is made of."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from dialogs.glossary import Glossary
from dialogs.schema import Call, Do, Flow
from dialogs.understanding.compiled import Understanding

HOME = "home"


@dataclass(frozen=True)
class PlanItem:
    domain: str
    item: str
    title: str
    """The msgid of the title of the flow that ticks this item."""


@dataclass(frozen=True)
class FlowSet:
    """Flows by id. The `home` flow is the bottom of every conversation."""

    flows: Mapping[str, Flow]
    understanding: Understanding = field(default_factory=Understanding, compare=False)
    """What typed text means: distress, guides, typed answers (built by the loader)."""
    glossary: Glossary = field(default_factory=Glossary, compare=False)
    """The words explained on the spot (`dialogs/glossary.yaml`)."""

    def __getitem__(self, flow_id: str) -> Flow:
        return self.flows[flow_id]

    def get(self, flow_id: str) -> Flow | None:
        return self.flows.get(flow_id)

    @property
    def home(self) -> Flow:
        return self.flows[HOME]

    def plan_items(self) -> list[PlanItem]:
        """Every item a `mark_done` step can tick, once each, in the order a person
        meets them from the home menu (menus' order), then those of unreached flows."""
        seen: dict[tuple[str, str], PlanItem] = {}
        visited: set[str] = set()

        def walk(flow: Flow) -> None:
            visited.add(flow.id)
            for step in flow.steps:
                if isinstance(step, Call) and step.call in self.flows:
                    if step.call not in visited:
                        walk(self.flows[step.call])
                elif isinstance(step, Do) and step.do == "mark_done":
                    domain = str(step.args.get("domain") or flow.domain)
                    key = (domain, str(step.args["item"]))
                    seen.setdefault(key, PlanItem(domain, key[1], flow.title))

        if HOME in self.flows:
            walk(self.flows[HOME])
        for flow in self.flows.values():
            if flow.id not in visited:
                walk(flow)
        return list(seen.values())
