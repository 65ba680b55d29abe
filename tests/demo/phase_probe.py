"""A demo phase used by the tests: records how the generator called it."""

CALLS: list[dict] = []


def populate(*, rng, year, ctx):
    CALLS.append(
        {
            "first_draw": rng.random(),
            "year": year,
            "households": list(ctx.household_ids),
            "users": dict(ctx.users),
            "batch_id": ctx.change.batch_id,
        }
    )
    return {"probed": len(ctx.household_ids)}
