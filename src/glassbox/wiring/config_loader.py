"""Kedro's configuration loader, with the credentials glassbox can do without made optional.

Kedro stops a run whose catalog names a credentials entry that conf/local/credentials.yml
lacks. The comparisons' study storage (`study_storage`, catalog entry `comparison_studies`)
is such an entry that most users never set: without it the studies live in the project's
journal file. Giving it an empty default here keeps a fresh clone running with no
credentials file, while a user's entry, when there is one, replaces the default whole.
"""

from __future__ import annotations

from typing import Any

from kedro.config import MissingConfigException, OmegaConfigLoader

OPTIONAL_CREDENTIALS: dict[str, dict] = {"study_storage": {}}


class ConfigLoader(OmegaConfigLoader):
    def __getitem__(self, key: str) -> dict[str, Any]:
        if key != "credentials":
            return super().__getitem__(key)
        try:
            found = super().__getitem__(key)
        except MissingConfigException:
            found = {}
        return {**OPTIONAL_CREDENTIALS, **found}
