"""Where the comparisons' Optuna studies live (glassbox.compare.studies runs them): a
journal file in the project, or a database several machines share. Torch-free, so that the
pipelines' modules can name it without importing PyTorch."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

from glassbox.errors import InputDataError

SCHEMA_RACE_RETRIES = 5


@dataclass(frozen=True)
class StudyStorage:
    """Where the comparisons' studies live: the database at ``url``, or (None) the journal
    file ``journal`` (the catalog's ``comparison_studies``)."""

    url: str | None
    journal: Path | None = None

    def shown(self) -> str:
        """The storage as logs may show it: a URL without its password."""
        return without_password(self.url) if self.url else f"the journal file {self.journal}"

    def open(self):
        """The Optuna storage."""
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)  # glassbox logs each round itself
        if self.url is None:
            from optuna.storages.journal import JournalFileBackend, JournalStorage

            self.journal.parent.mkdir(parents=True, exist_ok=True)
            return JournalStorage(JournalFileBackend(str(self.journal)))
        for attempt in range(SCHEMA_RACE_RETRIES + 1):
            try:
                return optuna.storages.RDBStorage(self.url)
            except Exception as err:  # no driver, a malformed URL, a database out of reach
                if _schema_race(err) and attempt < SCHEMA_RACE_RETRIES:
                    # Machines started at once against an empty database all create Optuna's
                    # tables; all but one fail on the duplicate. The tables exist once it is
                    # done: open them again.
                    time.sleep(0.5 * (attempt + 1))
                    continue
                raise InputDataError(
                    f"study_storage.url (conf/local/credentials.yml): cannot open the Optuna "
                    f"storage {self.shown()!r}: {type(err).__name__}: {err}. Expected a "
                    "database URL Optuna takes (sqlite:///study.db, "
                    "postgresql://user@host/db: the project installs the PostgreSQL "
                    "driver), or no study_storage entry for the project's journal file."
                ) from None


def _schema_race(err: Exception) -> bool:
    """Whether opening failed because another process was creating the same tables."""
    from sqlalchemy.exc import IntegrityError, ProgrammingError

    return isinstance(err, IntegrityError | ProgrammingError) and (
        "already exists" in str(err) or "duplicate key" in str(err)
    )


def without_password(url: str | None) -> str | None:
    """A storage URL as logs may show it: user:password@ becomes user:***@."""
    if url is None:
        return None
    return re.sub(r"(//[^:/@]+):[^@/]*@", r"\1:***@", url)
