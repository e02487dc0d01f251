"""What `marketsync erp stats` shows for an Optima company: counts read from Optima, and the
change counter and versions kept in the agent's state (read as they are: no scan is made)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Select, func, select

from agent.erp.optima.content import CATEGORY_ATTRIBUTE, AttributeMapping
from agent.erp.optima.queries import GOODS, shared_ids
from agent.erp.optima.state import VersionState
from agent.erp.optima.tables import DOCUMENT_TYPE_RO, def_atrybuty, kontrahenci, towary, tra_nag, twr_atrybuty
from agent.erp.sqlite import ErpStats


def statements(mapping: AttributeMapping) -> tuple[Select[Any], ...]:
    """The counts, in the order of ErpStats' first seven fields."""
    ro = tra_nag.c.TrN_TypDokumentu == DOCUMENT_TYPE_RO
    return (
        select(func.count()).select_from(towary).where(GOODS),
        select(func.count()).select_from(shared_ids(CATEGORY_ATTRIBUTE).subquery()),
        select(func.count()).select_from(towary).where(GOODS, towary.c.Twr_NieAktywny == 0),
        select(func.count())
        .select_from(twr_atrybuty)
        .join(def_atrybuty, def_atrybuty.c.DeA_DeAId == twr_atrybuty.c.TwA_DeAId)
        .join(towary, towary.c.Twr_TwrId == twr_atrybuty.c.TwA_TwrId)
        .where(GOODS, def_atrybuty.c.DeA_Kod.in_(mapping.image_attributes), twr_atrybuty.c.TwA_DABID.is_not(None)),
        select(func.count()).select_from(tra_nag).where(ro),
        select(func.count()).select_from(tra_nag).where(ro, func.coalesce(tra_nag.c.TrN_Anulowany, 0) == 0),
        select(func.count()).select_from(kontrahenci),
    )


def count(optima: Connection, state: VersionState, mapping: AttributeMapping) -> ErpStats:
    counts = [int(optima.execute(statement).scalar_one()) for statement in statements(mapping)]
    with state.write() as conn:
        counter = state.counter(conn)
        row = conn.execute("SELECT COALESCE(MAX(content_version), 0), COALESCE(MAX(sp_version), 0) FROM versions")
        content, stock_price = row.fetchone()
    products, shared, active, images, documents, open_documents, contractors = counts
    return ErpStats(
        products=products,
        shared=shared,
        active=active,
        images=images,
        documents=documents,
        open_documents=open_documents,
        contractors=contractors,
        change_version=counter,
        max_content_version=int(content),
        max_stock_price_version=int(stock_price),
    )
