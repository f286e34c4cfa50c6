"""Each facility's local services, read once from `data/services/<facility code>.yaml`."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from sqlmodel import Session

from dialogs.directory import Directory
from dialogs.directory_loader import load_directory
from storage.models import Facility

log = logging.getLogger(__name__)


class Directories:
    """The services of every facility, by facility id, loaded on first use."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._by_facility: dict[int, Directory] = {}
        self._guard = threading.Lock()

    def of(self, session: Session, facility_id: int) -> Directory:
        """The services of a facility; empty (flows then send to the CPIP) when it has none."""
        found = self._by_facility.get(facility_id)
        if found is not None:
            return found
        facility = session.get(Facility, facility_id)
        directory: Directory = {}
        path = self.folder / f"{facility.code}.yaml" if facility else None
        if path is not None and path.is_file():
            try:
                directory = load_directory(path)
            except (OSError, ValueError) as error:
                log.error("local services not loaded: %s", error)
        with self._guard:
            self._by_facility[facility_id] = directory
        return directory
