"""The catalogue job ("Pobierz kategorie i warunki"): the marketplace's category tree with
parameters and the account's offer and delivery terms, copied into the ERP in one transaction."""

from __future__ import annotations

from agent.erp.port import CATALOGUE_KINDS, CatalogueDiff
from agent.errors import Count, Phrase
from agent.logs import say
from agent.sync.context import RunContext
from agent.texts.phrases import joined


def describe_diff(diff: CatalogueDiff) -> str:
    """ "categories +3 ~1 -0, shipping_tariffs +1 ..." for the kinds that changed, or "no changes"."""
    parts = [f"{kind} +{d.added} ~{d.changed} -{d.removed}" for kind in CATALOGUE_KINDS if (d := diff.of(kind)).total]
    return ", ".join(parts) or "no changes"


def diff_phrase(diff: CatalogueDiff) -> Phrase:
    """What `describe_diff` says, as facts: each kind that changed named in the reader's language."""
    parts = [
        Phrase(
            "outcome.catalogue_change",
            {"kind": Phrase(f"catalogue_kind.{kind}"), "added": d.added, "changed": d.changed, "removed": d.removed},
        )
        for kind in CATALOGUE_KINDS
        if (d := diff.of(kind)).total
    ]
    return joined(parts, ", ") if parts else Phrase("outcome.catalogue_unchanged")


async def catalogue_job(ctx: RunContext) -> None:
    """Download categories (every page, with parameters) and terms; replace the ERP's copy."""
    await ctx.progress("catalogue", 0, 3)
    categories = await ctx.market.categories(with_parameters=True)
    await ctx.progress("catalogue", 1, 3)
    terms = await ctx.market.terms()
    await ctx.progress("catalogue", 2, 3)
    diff = await ctx.erp.replace_catalogue(categories, terms, fence=ctx.fence)
    changes = [diff.of(kind) for kind in CATALOGUE_KINDS]
    say(
        "INFO", "log.catalogue.done", company=ctx.company_name, categories=Count(len(categories), "n.category"),
        added=sum(d.added for d in changes), changed=sum(d.changed for d in changes),
        removed=sum(d.removed for d in changes),
    )
    await ctx.ok("catalogue", "catalogue", diff_phrase(diff))
    await ctx.progress("catalogue", 3, 3)
