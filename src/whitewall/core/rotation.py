"""Re-encrypting every encrypted value with the newest key, and recomputing blind indexes.

Used by ``whitewall keys rotate``. Works in batches of primary keys; each batch is one transaction
that locks its rows (``SELECT … FOR UPDATE`` where the database has it), reads the stored tokens,
re-encrypts only those not yet under the newest key, and recomputes any blind index whose digest
differs (a changed WHITEWALL_BLIND_INDEX_KEY). Running it again finds nothing to do.
Writes go through ``QuerySet.update`` with literal tokens: no model signals, no audit noise, and
no value is ever logged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models, transaction

from whitewall.core import encryption


@dataclass
class RotationResult:
    model: str
    rows: int = 0
    values_reencrypted: int = 0
    indexes_updated: int = 0


def rotate_model(
    model: type[models.Model],
    *,
    batch_size: int = 500,
    dry_run: bool = False,
    progress: Callable[[RotationResult, int], None] | None = None,
) -> RotationResult:
    fields = encryption.encrypted_fields(model)
    indexes = {field.source: field for field in encryption.index_fields(model)}
    names = [field.attname for field in fields]
    index_names = [indexes[f.name].attname for f in fields if f.name in indexes]
    manager = model._base_manager
    total = manager.count()
    result = RotationResult(model=model._meta.label)
    last_pk = None
    while True:
        batch = manager.order_by("pk")
        if last_pk is not None:
            batch = batch.filter(pk__gt=last_pk)
        pks = list(batch.values_list("pk", flat=True)[:batch_size])
        if not pks:
            break
        last_pk = pks[-1]
        with transaction.atomic():
            locked = manager.select_for_update().filter(pk__in=pks).order_by("pk")
            for pk, *values in encryption.raw_values(locked, names, index_names):
                tokens, stored = values[: len(names)], values[len(names) :]
                current_indexes = dict(zip(index_names, stored, strict=True))
                changes: dict[str, object] = {}
                for field, token in zip(fields, tokens, strict=True):
                    where = field.where(pk)
                    if token in (None, ""):
                        clear = ""
                    elif encryption.is_current(token):
                        clear = None
                    else:
                        new_token = encryption.rotate_token(token, where=where)
                        changes[field.attname] = models.Value(new_token, output_field=models.TextField())
                        result.values_reencrypted += 1
                        clear = None
                    index = indexes.get(field.name)
                    if index is not None:
                        if clear is None:
                            clear = encryption.decrypt(token, where=where)
                        digest = index.digest(clear)
                        if current_indexes.get(index.attname) != digest:
                            changes[index.attname] = digest
                            result.indexes_updated += 1
                if changes and not dry_run:
                    manager.filter(pk=pk).update(**changes)
                result.rows += 1
            if dry_run:
                transaction.set_rollback(True)
        if progress is not None:
            progress(result, total)
    return result


def rotate_all(**kwargs) -> list[RotationResult]:
    return [rotate_model(model, **kwargs) for model in encryption.encrypted_models()]
