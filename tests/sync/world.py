"""Helpers of the orders and run tests on top of the `sync_world` fixture (tests/sync/conftest.py)."""

from __future__ import annotations

from agent.catalogue import category_by_id
from agent.core.offers import offer_parameters
from agent.marketplace.models import OfferDraft
from agent.state.models import OfferLink
from tests.sync.conftest import COMPANY, SyncWorld


async def publish(
    world: SyncWorld, product_ids: list[int], *, link: bool = True, external_id: str | None = None
) -> list[int]:
    """Create offers for these products straight through the client (as the offers job would)."""
    offer_ids: list[int] = []
    products = await world.erp.products(product_ids)
    changes = await world.erp.stock_price_changes(0, price_type="detaliczna")
    prices = {item.product_id: item for item in changes.items}
    links: list[OfferLink] = []
    for product in products:
        category = category_by_id()[product.category_id or 0]
        image = product.images[0]
        stored = await world.market.upload_image(await world.erp.image_content(image.sha256), image.mime_type)
        price = prices[product.id].gross_price
        assert price is not None
        offer = await world.market.create_offer(
            OfferDraft(
                external_id=external_id or str(product.id),
                title=product.name[:100],
                price=price,
                category_id=category.id,
                vat_rate=product.vat_rate,
                stock_quantity=max(prices[product.id].available, 50),
                unit=product.unit,
                gallery=(stored.url,),
                parameters=offer_parameters(product, category),
            )
        )
        offer_ids.append(offer.id)
        links.append(OfferLink(product_id=product.id, external_id=str(product.id), offer_id=offer.id))
    if link:
        await world.state.upsert_links(COMPANY, links)
    return offer_ids
