"""Numbers from requests: the one way a view turns `?xa=12`, `?nam=2024` or `?id=5` into an int.

`str.isdigit()` accepts characters `int()` refuses (`"²".isdigit()` is true) and `int()` accepts more
than ASCII digits (Arabic-Indic and full-width digits, `"1_000"`, surrounding whitespace); a value too
large for the database's integer columns fails in the database, not here. So: ASCII digits only,
with an optional leading minus, bounded, and the default for anything else. Nothing here raises.
"""

# The largest value of PostgreSQL's `integer` (Django's IntegerField, AutoField) and of `bigint`
# (BigIntegerField, BigAutoField, SQLite's INTEGER). Ids of our models are bigint; Wagtail's are integer.
INT_MAX = 2**31 - 1
BIGINT_MAX = 2**63 - 1
# More digits than bigint holds: refused before int() is even called.
_MAX_DIGITS = len(str(BIGINT_MAX))
_ASCII_DIGITS = frozenset("0123456789")


def parse_int(value, *, default=None, minimum=None, maximum=None):
    """`value` (a query or form value) as an int within [minimum, maximum], else `default`.

    Accepts ASCII digits with an optional leading `-`, and surrounding spaces; refuses everything else
    (empty, Unicode digits, signs elsewhere, underscores, decimals, NUL bytes). Whatever the bounds, a
    value outside the range of a 64-bit database integer is refused. An int (not a bool) is accepted as is.
    """
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        text = value.strip(" ")
        digits = text[1:] if text.startswith("-") else text
        if not digits or len(digits) > _MAX_DIGITS or not _ASCII_DIGITS.issuperset(digits):
            return default
        number = int(text)
    else:
        return default
    if not -BIGINT_MAX <= number <= BIGINT_MAX:
        return default
    if minimum is not None and number < minimum:
        return default
    if maximum is not None and number > maximum:
        return default
    return number
