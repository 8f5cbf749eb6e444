"""The principles content as a plain tree: serialised from the draft, localised for display.

`snapshot_of(page)` turns the draft into the JSON a `PublishedVersion` stores; `localise()` turns
such a snapshot into what the templates show in one language. The draft preview goes through
the same two steps, so staff see exactly what publishing would show.

Snapshot format 1::

    {"format": 1, "title": T, "introduction": T,
     "principles": [{"name": T, "description": T, "guidelines": [T, …]}, …],
     "statements": [T, …], "encounter_sentences": [T, …]}

where every T is `{"fi": "…", "sv": "…", "en": "…"}`.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .models import Page, pick_language

FORMAT = 1


@dataclass(frozen=True)
class Text:
    """A text in one language; `lang` says which, so a Finnish fallback can be marked as such."""

    text: str
    lang: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class PrincipleContent:
    name: Text
    description: Text
    guidelines: list[Text]


@dataclass(frozen=True)
class PageContent:
    title: Text
    introduction: Text
    principles: list[PrincipleContent]
    statements: list[Text]
    encounter_sentences: list[Text]
    published_at: dt.datetime | None = None


def snapshot_of(page: Page) -> dict[str, Any]:
    """The draft as JSON. Use a page from `Page.objects.with_content()` to avoid extra queries."""
    return {
        "format": FORMAT,
        "title": page.texts("title"),
        "introduction": page.texts("introduction"),
        "principles": [
            {
                "name": principle.texts("name"),
                "description": principle.texts("description"),
                "guidelines": [guideline.texts("text") for guideline in principle.guidelines.all()],
            }
            for principle in page.principles.all()
        ],
        "statements": [statement.texts("text") for statement in page.statements.all()],
        "encounter_sentences": [
            sentence.texts("text") for sentence in page.encounter_sentences.all()
        ],
    }


def localise(
    snapshot: Mapping[str, Any], language: str | None, *, published_at: dt.datetime | None = None
) -> PageContent:
    """The snapshot in `language`, each empty text replaced by its Finnish one."""

    def text(texts: Mapping[str, str]) -> Text:
        return Text(*pick_language(texts, language))

    return PageContent(
        title=text(snapshot["title"]),
        introduction=text(snapshot["introduction"]),
        principles=[
            PrincipleContent(
                name=text(principle["name"]),
                description=text(principle["description"]),
                guidelines=[text(guideline) for guideline in principle["guidelines"]],
            )
            for principle in snapshot["principles"]
        ],
        statements=[text(statement) for statement in snapshot["statements"]],
        encounter_sentences=[text(sentence) for sentence in snapshot["encounter_sentences"]],
        published_at=published_at,
    )
