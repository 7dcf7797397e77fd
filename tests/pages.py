"""Walk a paged list to its end, as a client following `next_cursor` does."""
from __future__ import annotations


def every(list_page, *args, **filters) -> list:
    """Every item of a paged service list, e.g. ``every(service.list_tasks, instance_id=...)``."""
    items, cursor = [], None
    while True:
        page = list_page(*args, **filters, limit=500, cursor=cursor)
        items += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return items


def every_page(client, url: str, query: dict | None = None, headers: dict | None = None) -> list:
    """Every item of a paged HTTP list (checked to answer 200), following `next_cursor`."""
    from urllib.parse import parse_qsl

    path, _, inline = url.partition("?")
    base = {**dict(parse_qsl(inline)), **(query or {}), "limit": 500}
    items, cursor = [], None
    while True:
        response = client.get(path, query_string={**base, **({"cursor": cursor} if cursor else {})},
                              headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        items += response.json["items"]
        cursor = response.json["next_cursor"]
        if not cursor:
            return items
