"""One rule writes a price as text: a catalog file, the API and a page each in its form."""

from decimal import Decimal

import pytest

from vocabulary.prices import PriceForm, price_text


@pytest.mark.parametrize(
    ("value", "document", "number", "dollars"),
    [
        (Decimal("12"), "12.00", "12", "$12"),
        (Decimal("12.000000"), "12.00", "12", "$12"),
        (Decimal("0.4"), "0.40", "0.40", "$0.40"),
        (Decimal("0.075"), "0.075", "0.075", "$0.075"),
        (Decimal("1.6"), "1.60", "1.60", "$1.60"),
        (Decimal("1250"), "1250.00", "1250", "$1,250"),
        (Decimal("1250.5"), "1250.50", "1250.50", "$1,250.50"),
        (Decimal("0"), "0.00", "0", "$0"),
        (Decimal("0.000001"), "0.000001", "0.000001", "$0.000001"),
    ],
)
def test_each_form_writes_the_same_price_its_own_way(value, document, number, dollars):
    assert price_text(value, form=PriceForm.DOCUMENT) == document
    assert price_text(value, form=PriceForm.NUMBER) == number
    assert price_text(value, form=PriceForm.DOLLARS) == dollars


@pytest.mark.parametrize("form", list(PriceForm))
def test_no_form_uses_an_exponent(form):
    assert "E" not in price_text(Decimal("1E+2"), form=form)
    assert price_text(Decimal("0.760"), form=PriceForm.NUMBER) == "0.76"


@pytest.mark.parametrize("form", list(PriceForm))
def test_an_unknown_price_stays_unknown(form):
    assert price_text(None, form=form) is None
